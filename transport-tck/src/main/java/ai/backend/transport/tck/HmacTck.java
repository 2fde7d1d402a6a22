package ai.backend.transport.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.backend.client.port.Hmac;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The HMAC and digest table every adapter's {@link Hmac} must match: RFC 2202 (MD5, SHA-1) and RFC 4231
 * (SHA-2) vectors, plus SHA-3 checked against Python's hmac. Algorithms only some adapters have (blake2)
 * are tested by those adapters' subclasses.
 */
public abstract class HmacTck {
  private final Hmac hmac = hmac();

  /** The primitive under test. */
  protected abstract Hmac hmac();

  protected final String mac(String alg, byte[] key, byte[] data) {
    return HexFormat.of().formatHex(hmac.mac(alg, key, data));
  }

  protected static byte[] rep(int b, int n) {
    byte[] a = new byte[n];
    java.util.Arrays.fill(a, (byte) b);
    return a;
  }

  protected static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void rfc2202() {
    assertEquals("9294727a3638bb1c13f48ef8158bfc9d", mac("md5", rep(0x0b, 16), ascii("Hi There")));
    assertEquals(
        "750c783e6ab0b503eaa86e310a5db738",
        mac("md5", ascii("Jefe"), ascii("what do ya want for nothing?")));
    assertEquals(
        "b617318655057264e28bc0b6fb378c8ef146be00", mac("sha1", rep(0x0b, 20), ascii("Hi There")));
    assertEquals(
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        mac("sha1", ascii("Jefe"), ascii("what do ya want for nothing?")));
    assertEquals(
        "aa4ae5e15272d00e95705637ce8a3b55ed402112",
        mac(
            "sha1",
            rep(0xaa, 80),
            ascii("Test Using Larger Than Block-Size Key - Hash Key First")));
  }

  @Test
  void rfc4231() {
    byte[] k1 = rep(0x0b, 20);
    byte[] d1 = ascii("Hi There");
    assertEquals("896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22", mac("sha224", k1, d1));
    assertEquals(
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", mac("sha256", k1, d1));
    assertEquals(
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            + "faea9ea9076ede7f4af152e8b2fa9cb6",
        mac("sha384", k1, d1));
    assertEquals(
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
            + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        mac("sha512", k1, d1));
    byte[] k2 = ascii("Jefe");
    byte[] d2 = ascii("what do ya want for nothing?");
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", mac("sha256", k2, d2));
    // test case 6: a key larger than the block size
    assertEquals(
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        mac(
            "sha256",
            rep(0xaa, 131),
            ascii("Test Using Larger Than Block-Size Key - Hash Key First")));
  }

  @Test
  void sha3AndDigests() {
    byte[] msg = ascii("The quick brown fox jumps over the lazy dog");
    // Python: hmac.new(b"key", msg, "sha3_256").hexdigest()
    assertEquals(
        "8c6e0683409427f8931711b10ca92a506eb1fafa48fadd66d76126f47ac2c333",
        mac("sha3_256", ascii("key"), msg));
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        HexFormat.of().formatHex(hmac.digest("sha256", ascii("abc"))));
    assertEquals(
        "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
        HexFormat.of().formatHex(hmac.digest("sha3_256", ascii("abc"))));
  }

  @Test
  void emptyKeyIsAllowed() {
    // Python: hmac.new(b"", b"", "sha256").hexdigest()
    assertEquals(
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad",
        mac("sha256", new byte[0], new byte[0]));
  }
}
