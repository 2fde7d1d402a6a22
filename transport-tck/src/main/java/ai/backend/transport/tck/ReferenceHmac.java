package ai.backend.transport.tck;

import ai.backend.client.port.Hmac;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test suites' one {@link Hmac} on {@code javax.crypto}, so that the SDK's own tests sign
 * requests without depending on an adapter. It is checked against {@link HmacTck} like an adapter's.
 */
public final class ReferenceHmac implements Hmac {
  // Backend.AI (hashlib) name -> {Mac algorithm, MessageDigest algorithm}
  private static final Map<String, String[]> NAMES = Map.of(
      "md5", new String[] {"HmacMD5", "MD5"},
      "sha1", new String[] {"HmacSHA1", "SHA-1"},
      "sha224", new String[] {"HmacSHA224", "SHA-224"},
      "sha256", new String[] {"HmacSHA256", "SHA-256"},
      "sha384", new String[] {"HmacSHA384", "SHA-384"},
      "sha512", new String[] {"HmacSHA512", "SHA-512"},
      "sha3_224", new String[] {"HmacSHA3-224", "SHA3-224"},
      "sha3_256", new String[] {"HmacSHA3-256", "SHA3-256"},
      "sha3_384", new String[] {"HmacSHA3-384", "SHA3-384"},
      "sha3_512", new String[] {"HmacSHA3-512", "SHA3-512"});

  @Override
  public byte[] mac(String algorithm, byte[] key, byte[] data) {
    try {
      String name = names(algorithm)[0];
      Mac mac = Mac.getInstance(name);
      // SecretKeySpec rejects an empty key; HMAC pads keys with zeros, so one zero byte is the same
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(names(algorithm)[1]).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public boolean supports(String algorithm) {
    return algorithm != null && NAMES.containsKey(algorithm.toLowerCase(Locale.ROOT));
  }

  private static String[] names(String algorithm) {
    String[] n = algorithm == null ? null : NAMES.get(algorithm.toLowerCase(Locale.ROOT));
    if (n == null) {
      throw new IllegalArgumentException("unsupported: " + algorithm);
    }
    return n;
  }
}
