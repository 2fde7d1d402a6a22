package ai.backend.local.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The first frame's batch options (ExecuteEndpointFuzzTest found the object-valued one). */
class ExecuteEndpointParseTest {

  @Test
  void objectValuedBatchOptionIsInvalid() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> ExecuteEndpoint.parse("{\"mode\":\"batch\",\"options\":{\"clean\":{}}}"));
    assertEquals("options.clean must be a string.", e.getMessage());
  }

  @Test
  void stringBatchOptionsAreKept() {
    var r = ExecuteEndpoint.parse(
        "{\"mode\":\"batch\",\"options\":{\"build\":\"*\",\"exec\":\"run\",\"clean\":null}}");
    assertEquals("*", r.options().build());
    assertEquals("run", r.options().exec());
    assertEquals(null, r.options().clean());
  }
}
