package ai.backend.client.transport.jdk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.Hmac;
import ai.backend.transport.tck.HmacTck;
import org.junit.jupiter.api.Test;

/** The shared HMAC table ({@link HmacTck}) plus what only this adapter does. */
class JdkHmacTest extends HmacTck {
  private final JdkHmac own = new JdkHmac();

  @Override
  protected Hmac hmac() {
    return new JdkHmac();
  }

  @Test
  void blake2IsNotSupported() {
    assertTrue(own.supports("SHA256"));
    assertFalse(own.supports("blake2b"));
    assertFalse(own.supports("blake2s"));
    assertThrows(
        IllegalArgumentException.class, () -> own.mac("blake2b", new byte[1], new byte[1]));
  }
}
