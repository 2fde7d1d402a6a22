package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.engine.ExecRequest;
import ai.backend.local.security.HmacVerifier;
import ai.backend.local.security.Keypair;
import ai.backend.local.sessions.SessionSpec;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Fuzzes the JSON (or form) request bodies of the session routes: {@link ApiCall#params()} and
 * its typed getters, through the functions that turn a body into the typed request (create, v4
 * create, execute with batch options and {@code config.environ}). The input is {@code CONTENT-TYPE
 * RAW-TARGET\nBODY}. The outcome is the typed request or an {@link ApiException} with a 4xx status:
 * any other exception would be answered as a 500 internal error, and is a finding. What a request
 * may hold afterwards is checked too (an environment without NUL or '=' in names).
 */
class SessionApiFuzzTest {
  private static final Keypair KEY =
      new Keypair("AKIAFUZZ", "secret", false, true, 1000, 10, Instant.EPOCH);

  /** Each body goes through the three parsers; they share ApiCall's getters. */
  @FuzzTest(maxDuration = "2m")
  void parse(byte[] input) {
    createCurrent(input);
    createV4(input);
    execute(input);
  }

  private static void createCurrent(byte[] input) {
    SessionSpec spec = parse(input, Dialect.CURRENT, SessionApi::currentSpec);
    if (spec != null) {
      checkSpec(spec);
      assertTrue(spec.priority() >= 0 && spec.priority() <= 100);
    }
  }

  private static void createV4(byte[] input) {
    SessionSpec spec = parse(input, Dialect.V4, SessionApi::v4Spec);
    if (spec != null) {
      checkSpec(spec);
    }
  }

  private static void execute(byte[] input) {
    ExecRequest r = parse(input, Dialect.CURRENT, SessionApi::execRequest);
    if (r != null) {
      assertNotNull(r.mode());
      assertNotNull(r.code());
    }
  }

  private static void checkSpec(SessionSpec spec) {
    assertEquals(KEY.accessKey(), spec.owner());
    assertFalse(spec.image().isBlank());
    spec.environ().forEach((k, v) -> {
      assertFalse(
          k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0, "environment name " + k);
      assertFalse(v.indexOf('\0') >= 0, "environment value with NUL");
    });
  }

  interface Parser<T> {
    T parse(ApiCall call) throws ApiException;
  }

  /** Builds the call as ApiHandler does, and parses it; null when the parser refused with a 4xx. */
  private static <T> T parse(byte[] input, Dialect dialect, Parser<T> parser) {
    int nl = 0;
    while (nl < input.length && input[nl] != '\n') {
      nl++;
    }
    String first = new String(input, 0, nl, StandardCharsets.UTF_8);
    byte[] body = nl < input.length ? Arrays.copyOfRange(input, nl + 1, input.length) : new byte[0];
    int sp = first.indexOf(' ');
    String contentType = sp < 0 ? first : first.substring(0, sp);
    String rawTarget = sp < 0 ? "/session" : first.substring(sp + 1);
    ApiCall call = new ApiCall(
        null, "POST", rawTarget, body, HmacVerifier.mediaType(contentType), dialect, "v9.20250722");
    call.authenticate(KEY);
    try {
      T value = parser.parse(call);
      assertNotNull(value);
      return value;
    } catch (ApiException e) {
      assertTrue(e.status() >= 400 && e.status() < 500, "a client error, not " + e.status());
      return null;
    }
  }
}
