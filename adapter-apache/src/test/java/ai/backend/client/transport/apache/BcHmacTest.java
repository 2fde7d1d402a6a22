package ai.backend.client.transport.apache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.Hmac;
import ai.backend.transport.tck.HmacTck;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The shared HMAC table ({@link HmacTck}) plus what only this adapter does. */
class BcHmacTest extends HmacTck {
  private final BcHmac own = new BcHmac();

  @Override
  protected Hmac hmac() {
    return new BcHmac();
  }

  @Test
  void blake2MatchesPython() {
    byte[] msg = ascii("The quick brown fox jumps over the lazy dog");
    // Python: hmac.new(b"key", msg, "blake2b" / "blake2s").hexdigest()
    assertEquals(
        "92294f92c0dfb9b00ec9ae8bd94d7e7d8a036b885a499f149dfe2fd2199394aa"
            + "af6b8894a1730cccb2cd050f9bcf5062a38b51b0dab33207f8ef35ae2c9df51b",
        mac("blake2b", ascii("key"), msg));
    assertEquals(
        "f93215bb90d4af4c3061cd932fb169fb8bb8a91d0b4022baea1271e1323cd9a0",
        mac("blake2s", ascii("key"), msg));
    assertEquals(
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
        HexFormat.of().formatHex(own.digest("blake2b", ascii("abc"))));
    assertTrue(own.supports("BLAKE2S"));
    assertFalse(own.supports("whirlpool"));
    assertThrows(
        IllegalArgumentException.class, () -> own.mac("whirlpool", new byte[1], new byte[1]));
  }
}
