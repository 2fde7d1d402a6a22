package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.internal.Dialect;
import org.junit.jupiter.api.Test;

class ApiVersionTest {

  @Test
  void parsesAndOrdersLikeTheServer() {
    ApiVersion v = ApiVersion.parse("v10.20300101");
    assertEquals(10, v.major());
    assertEquals("v10.20300101", v.toString());
    // numeric major: v10 is newer than v9 (unlike the plain string comparison of the body-hash
    // rule)
    assertTrue(v.compareTo(ApiVersion.V9_20250722) > 0);
    assertTrue(ApiVersion.V4_20190615.compareTo(ApiVersion.V4_20181215) > 0);
    assertEquals(
        ApiVersion.V8_20240915, ApiVersion.min(ApiVersion.V9_20250722, ApiVersion.V8_20240915));
    for (String bad : new String[] {"9.20250722", "v9.2025072", "v9", "", null, "v9.20250722x"}) {
      assertThrows(InvalidArgumentException.class, () -> ApiVersion.parse(bad));
    }
  }

  @Test
  void dialectPerVersion() {
    Dialect v4 = Dialect.of(ApiVersion.V4_20181215);
    assertEquals("kernel", v4.sessionPrefix());
    assertEquals("clientSessionToken", v4.sessionNameField());
    assertEquals("lang", v4.imageField());
    assertEquals("kernelId", v4.sessionIdField());
    assertEquals("admin/graphql", v4.graphQlPath());
    assertTrue(v4.graphQlReturnsBareData());
    assertFalse(v4.supportsEnqueue());
    assertFalse(v4.supportsStreamingExecute());
    assertEquals(null, v4.eventsPath());
    assertEquals("GET", v4.downloadMethod());

    Dialect v4b = Dialect.of(ApiVersion.V4_20190615);
    assertEquals("kernel", v4b.sessionPrefix());
    assertEquals("image", v4b.imageField());
    assertTrue(v4b.supportsEnqueue());
    assertTrue(v4b.supportsStreamingExecute());
    assertEquals("stream/kernel/_/events", v4b.eventsPath());

    Dialect v5 = Dialect.of(ApiVersion.V5_20191215);
    assertEquals("session", v5.sessionPrefix());
    assertEquals("name", v5.sessionNameField());
    assertEquals("sessionId", v5.sessionIdField());
    assertEquals("events/session", v5.eventsPath());
    assertEquals("admin/graphql", v5.graphQlPath());

    Dialect v6 = Dialect.of(ApiVersion.V6_20210815);
    assertEquals("admin/gql", v6.graphQlPath());
    assertFalse(v6.graphQlReturnsBareData());
    assertFalse(v6.supportsPriority());

    Dialect v8 = Dialect.of(ApiVersion.V8_20240915);
    assertTrue(v8.supportsPriority());
    assertEquals("POST", v8.downloadMethod());
    assertFalse(v8.getParamsInBody());
    assertFalse(v8.supportsMountIds());
    assertTrue(Dialect.of(ApiVersion.V9_20250722).supportsMountIds());
  }
}
