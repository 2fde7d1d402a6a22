package ai.backend.local.stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.engine.ExecRequest;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the first frame of the streaming execute socket ({@link ExecuteEndpoint#parse}): a run
 * request or an {@link IllegalArgumentException}, which the endpoint answers with an "Invalid API
 * parameters" frame. Any other exception would escape the WebSocket callback and end the socket
 * with a server error instead.
 */
class ExecuteEndpointFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void parse(byte[] input) {
    try {
      ExecRequest r = ExecuteEndpoint.parse(new String(input, StandardCharsets.UTF_8));
      assertTrue(r.mode().startsRun(), r.mode().wire());
      assertNotNull(r.code());
    } catch (IllegalArgumentException refused) {
      // the documented outcome
    }
  }
}
