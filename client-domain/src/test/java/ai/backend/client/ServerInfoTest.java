package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerInfoTest {
  @Test
  void capabilitiesFollowTheNegotiatedVersion() {
    ServerInfo v4 = new ServerInfo(ApiVersion.V9_20250722, null, ApiVersion.V4_20181215);
    assertFalse(v4.supportsEvents());
    assertFalse(v4.supportsStreamingExecute());
    assertFalse(v4.supportsEnqueue());
    assertFalse(v4.supportsPriority());
    assertFalse(v4.supportsMountMap());
    assertFalse(v4.supportsMountIds());

    ServerInfo v9 = new ServerInfo(ApiVersion.V9_20250722, "25.12.0", ApiVersion.V9_20250722);
    assertTrue(v9.supportsEvents());
    assertTrue(v9.supportsStreamingExecute());
    assertTrue(v9.supportsEnqueue());
    assertTrue(v9.supportsPriority());
    assertTrue(v9.supportsMountMap());
    assertTrue(v9.supportsMountIds());
  }

  @Test
  void wireDetailsAreNotPublic() {
    // field names and URL prefixes are the internal Dialect's, not the public sessions'
    assertThrows(NoSuchMethodException.class, () -> Session.class.getMethod("dialect"));
    assertThrows(NoSuchMethodException.class, () -> AsyncSession.class.getMethod("dialect"));
  }
}
