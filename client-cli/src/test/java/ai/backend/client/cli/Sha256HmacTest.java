package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class Sha256HmacTest {
  private final Sha256Hmac hmac = new Sha256Hmac();

  @Test
  void matchesTheJdkForEveryLengthAroundTheBlockBoundaries() throws Exception {
    Random random = new Random(42);
    for (int len = 0; len <= 300; len++) {
      byte[] data = new byte[len];
      random.nextBytes(data);
      assertArrayEquals(
          MessageDigest.getInstance("SHA-256").digest(data),
          hmac.digest("sha256", data),
          "length " + len);
      for (int keyLen : new int[] {1, 20, 63, 64, 65, 200}) {
        byte[] key = new byte[keyLen];
        random.nextBytes(key);
        Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(key, "HmacSHA256"));
        assertArrayEquals(
            jdk.doFinal(data), hmac.mac("SHA256", key, data), "data " + len + ", key " + keyLen);
      }
    }
  }

  @Test
  void knownAnswers() {
    // FIPS 180-2 "abc" and RFC 4231 test case 2
    assertArrayEquals(
        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        hmac.digest("sha256", "abc".getBytes(StandardCharsets.US_ASCII)));
    assertArrayEquals(
        hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        hmac.mac(
            "sha256",
            "Jefe".getBytes(StandardCharsets.US_ASCII),
            "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
    // an empty key is a zero block (the JDK's SecretKeySpec refuses it)
    assertArrayEquals(
        hmac.mac("sha256", new byte[1], new byte[] {1, 2}),
        hmac.mac("sha256", new byte[0], new byte[] {1, 2}));
  }

  @Test
  void onlySha256() {
    assertTrue(hmac.supports("sha256"));
    assertTrue(hmac.supports("SHA256"));
    assertFalse(hmac.supports("sha512"));
    assertFalse(hmac.supports(null));
    assertThrows(
        IllegalArgumentException.class, () -> hmac.mac("blake2b", new byte[1], new byte[1]));
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
