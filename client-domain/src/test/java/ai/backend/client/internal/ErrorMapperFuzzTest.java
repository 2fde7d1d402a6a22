package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.RateLimitedException;
import ai.backend.client.port.HttpHeaders;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Fuzzes {@link ErrorMapper} with arbitrary error responses written as {@code STATUS\nName: value\n
 * ...\n\nBODY} (problem+json, legacy JSON, HTML, binary): it always returns a typed {@link
 * BackendApiException} carrying the status, never throws, and keeps the rules that callers rely on
 * (429 is {@link RateLimitedException}, 401/403 are {@link AuthenticationException}).
 */
class ErrorMapperFuzzTest {
  private static final ErrorMapper MAPPER =
      new ErrorMapper(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  @FuzzTest(maxDuration = "2m")
  void map(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\n\n");
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    byte[] body = headEnd < 0 ? new byte[0] : Arrays.copyOfRange(input, headEnd + 2, input.length);
    String[] lines = head.split("\n", -1);
    int status = status(lines[0]);
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        try {
          h.add(
              lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
        } catch (IllegalArgumentException notAHeader) {
          // a blank name or a control character: no transport delivers such a header
        }
      }
    }
    HttpHeaders headers = h.build();
    BackendApiException e = MAPPER.map("POST", "/session/x", status, headers, body);
    assertNotNull(e);
    assertNotNull(e.getMessage());
    assertEquals(status, e.status());
    if (status == 429) {
      assertInstanceOf(RateLimitedException.class, e);
    } else if ((status == 401 || status == 403) && !(e instanceof RateLimitedException)) {
      assertInstanceOf(AuthenticationException.class, e);
    }
    MAPPER.retryAfter(headers);
    ErrorMapper.rateLimit(headers);
  }

  /** The leading digits of the first line (at most three), else 500. */
  private static int status(String line) {
    int s = 0;
    int n = 0;
    while (n < line.length()
        && n < 3
        && Character.isDigit(line.charAt(n))
        && line.charAt(n) < 128) {
      s = s * 10 + (line.charAt(n) - '0');
      n++;
    }
    return n == 0 ? 500 : s;
  }
}
