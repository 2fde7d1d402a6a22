package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The API version recorded for the local server, and how commands pin it instead of negotiating. */
class LocalVersionTest {
  @Test
  void theAnswerToGetRootIsRecordedAndReadBack() {
    LocalServerManager.State st = new LocalServerManager.State();
    LocalServerManager.recordVersion(
        st, "{\"version\":\"v8.20240915\",\"manager\":\"25.15.0-local\"}");
    assertEquals("v8.20240915", st.apiVersion);
    LocalServerManager.State back = LocalServerManager.parseState(
        "{\"pid\": 1, \"port\": 2, \"apiVersion\": \"v8.20240915\", \"manager\": \"25.15.0-local\"}");
    assertEquals("v8.20240915", back.apiVersion);
    assertEquals("25.15.0-local", back.manager);

    LocalServerManager.State none = new LocalServerManager.State();
    LocalServerManager.recordVersion(none, "not json {");
    assertNull(none.apiVersion);
    assertNull(LocalServerManager.parseState("{\"pid\": 1}").apiVersion);
  }

  @Test
  void theRecordedVersionIsPinnedLikeNegotiationWould() {
    Backend b = backend();
    Config cfg = Config.builder()
        .endpoint("http://127.0.0.1:1")
        .accessKey("AKIATEST")
        .secretKey("s".toCharArray())
        .build();
    assertSame(cfg, b.withKnownVersion(cfg), "not the local server: negotiate");

    b.markLocal("v8.20240915");
    Config pinned = b.withKnownVersion(cfg);
    assertFalse(pinned.negotiate());
    assertEquals(ApiVersion.V8_20240915, pinned.maxApiVersion());

    b.markLocal(
        "v99.20990101"); // newer than this client: its own maximum, as negotiation would choose
    assertEquals(ApiVersion.CLIENT_DEFAULT, b.withKnownVersion(cfg).maxApiVersion());

    b.markLocal("banana");
    assertSame(cfg, b.withKnownVersion(cfg));
  }

  private static Backend backend() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());
    return new Backend(new Term(sink, sink, false));
  }
}
