package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.testsupport.FakeTransport;
import ai.backend.transport.tck.ReferenceHmac;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The wire log on {@code ai.backend.client.http} (JUL is the JDK's System.Logger backend here). */
class LoggingLinkTest {
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private final Logger jul = Logger.getLogger("ai.backend.client.http");
  private final List<String> lines = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      lines.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level previous;

  @BeforeEach
  void capture() {
    previous = jul.getLevel();
    jul.setLevel(Level.ALL);
    jul.addHandler(handler);
  }

  @AfterEach
  void restore() {
    jul.removeHandler(handler);
    jul.setLevel(previous);
  }

  private void callOnce(boolean wireLogging) {
    FakeTransport transport = new FakeTransport();
    transport.json(200, "{}");
    Config c = Config.builder()
        .endpoint("https://bai.example.com/")
        .accessKey("AKIA")
        .secretKey(SECRET)
        .negotiate(false)
        .apiVersion(ApiVersion.V9_20250722)
        .build();
    try (ApiCore core = ApiCore.builder(c, transport)
        .hmac(new ReferenceHmac())
        .wireLogging(wireLogging)
        .build()) {
      core.call(ApiRequest.builder("GET", "session/s1").build(), Handlers.discard());
    }
  }

  @Test
  void logsEachAttemptWithoutTheSignature() {
    callOnce(true);
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("--> GET https://bai.example.com/session/s1"), lines.get(0));
    assertTrue(lines.get(1).startsWith("<-- 200 GET"), lines.get(1));
    lines.forEach(l -> assertFalse(l.contains("credential=AKIA"), l));
  }

  @Test
  void aSessionWithoutWireLoggingNeverAsksTheLogger() {
    callOnce(false);
    assertEquals(List.of(), lines);
  }
}
