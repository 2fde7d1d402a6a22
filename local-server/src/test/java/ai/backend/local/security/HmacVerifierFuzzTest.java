package ai.backend.local.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Fuzzes request authentication (spec §2.2): the {@code Authorization} header parser, the date
 * parser ({@link SignedDate}), and {@link HmacVerifier#verify} on whole requests written as {@code
 * METHOD TARGET\nName: value\n...\n\nBODY}. A request is accepted or refused with {@link
 * AuthException}, never with another exception (which would be a 500 before authentication). A
 * request signed correctly, whatever its method, target, headers and body, must be accepted.
 */
class HmacVerifierFuzzTest {
  private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
  private static final Keypair KEY =
      new Keypair("AKIAFUZZKEY", "fuzz-secret", false, true, 1000, 10, Instant.EPOCH);
  private static final HmacVerifier VERIFIER = new HmacVerifier(
      ak -> ak.equals(KEY.accessKey()) ? Optional.of(KEY) : Optional.empty(),
      Clock.fixed(NOW, ZoneOffset.UTC),
      Duration.ofMinutes(15));

  /** The same text as an Authorization header and as a date header. */
  @FuzzTest(maxDuration = "2m")
  void parseHeaders(byte[] input) {
    parseAuthorization(input);
    parseDate(input);
  }

  private static void parseAuthorization(byte[] input) {
    try {
      HmacVerifier.Credentials c =
          HmacVerifier.parseAuthorization(new String(input, StandardCharsets.UTF_8));
      assertNotNull(c.hash());
      assertNotNull(c.accessKey());
      assertNotNull(c.signature());
    } catch (AuthException expected) {
      assertEquals(AuthException.Kind.INVALID_PARAMS, expected.kind());
    }
  }

  private static void parseDate(byte[] input) {
    Optional<SignedDate> d = SignedDate.parse(new String(input, StandardCharsets.UTF_8));
    d.ifPresent(x -> {
      // RFC 1123 years may have up to 9 digits; such a date never passes the skew check
      int year = x.dateTime().getYear();
      assertTrue(
          year < 0 || year > 9999 || x.keyDate().matches("\\d{8}"), "key date " + x.keyDate());
      // the key date is the date in the offset the client wrote, not in UTC
      assertEquals(
          String.format(
              "%04d%02d%02d",
              x.dateTime().getYear(), x.dateTime().getMonthValue(), x.dateTime().getDayOfMonth()),
          x.keyDate());
    });
  }

  /** The request as it is, then the same request signed properly. */
  @FuzzTest(maxDuration = "2m")
  void verify(byte[] input) throws AuthException {
    verifyAsIs(input);
    verifySigned(input);
  }

  private static void verifyAsIs(byte[] input) {
    try {
      HmacVerifier.Verified v = VERIFIER.verify(request(input));
      assertEquals(KEY, v.keypair()); // only a correctly signed request gets here
    } catch (AuthException refused) {
      // the documented outcome
    }
  }

  /** Signs the fuzzed request properly; the verifier must then accept it. */
  private static void verifySigned(byte[] input) throws AuthException {
    SignedRequest fuzzed = request(input);
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(fuzzed.headers());
    String rawDate = HmacVerifier.dateHeader(fuzzed);
    Optional<SignedDate> date = SignedDate.parse(rawDate);
    if (date.isEmpty()
        || Duration.between(NOW, date.get().dateTime().toInstant()).abs().toMinutes() >= 15) {
      rawDate = "2026-03-04T05:06:07+00:00";
      h.put("Date", rawDate); // Date comes first, so it is the one verified
      date = SignedDate.parse(rawDate);
    }
    String versionHeader =
        h.containsKey("X-BackendAI-Version") ? "X-BackendAI-Version" : "X-Sorna-Version";
    String version = h.get(versionHeader);
    if (version == null || version.isBlank()) {
      versionHeader = "X-BackendAI-Version";
      version = "v9.20250722";
      h.put(versionHeader, version);
    }
    HashAlgorithm hash = HashAlgorithm.values()[
        Math.floorMod(Arrays.hashCode(input), HashAlgorithm.values().length)];
    String host = h.getOrDefault("Host", "");
    String sig = HmacVerifier.signature(
        hash,
        KEY.secretKey(),
        fuzzed.method(),
        fuzzed.rawTarget(),
        rawDate,
        date.get().keyDate(),
        host,
        HmacVerifier.mediaType(h.get("Content-Type")),
        versionHeader.toLowerCase(java.util.Locale.ROOT),
        version,
        fuzzed.body());
    h.put(
        "Authorization",
        "BackendAI signMethod=HMAC-" + hash.pythonName().toUpperCase(java.util.Locale.ROOT)
            + ", credential=" + KEY.accessKey() + ":" + sig);
    HmacVerifier.Verified v =
        VERIFIER.verify(new SignedRequest(fuzzed.method(), fuzzed.rawTarget(), h, fuzzed.body()));
    assertEquals(KEY, v.keypair());
    assertEquals(hash, v.hash());
  }

  /** {@code METHOD TARGET\nName: value\n...\n\nBODY}; header lines without a colon are dropped. */
  static SignedRequest request(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\n\n");
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    byte[] body =
        headEnd < 0 ? new byte[0] : text.substring(headEnd + 2).getBytes(StandardCharsets.UTF_8);
    String[] lines = head.split("\n", -1);
    int sp = lines[0].indexOf(' ');
    String method = sp < 0 ? lines[0] : lines[0].substring(0, sp);
    String target = sp < 0 ? "/" : lines[0].substring(sp + 1);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
      }
    }
    return new SignedRequest(method, target, headers, body);
  }
}
