package ai.backend.client.transport.jdk;

import ai.backend.client.port.Hmac;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC and digests from the JDK's security providers; BLAKE2 is not available there. */
final class JdkHmac implements Hmac {
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
    String name = names(algorithm)[0];
    try {
      Mac mac = Mac.getInstance(name);
      // SecretKeySpec rejects empty keys although HMAC allows them; an empty key equals a zero
      // block
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, name));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC " + algorithm + " unavailable", e);
    }
  }

  @Override
  public byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(names(algorithm)[1]).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("digest " + algorithm + " unavailable", e);
    }
  }

  @Override
  public boolean supports(String algorithm) {
    return algorithm != null && NAMES.containsKey(algorithm.toLowerCase(Locale.ROOT));
  }

  private static String[] names(String algorithm) {
    String[] n = algorithm == null ? null : NAMES.get(algorithm.toLowerCase(Locale.ROOT));
    if (n == null) {
      throw new IllegalArgumentException("unsupported hash algorithm: " + algorithm
          + " (supported: " + new java.util.TreeSet<>(NAMES.keySet()) + ")");
    }
    return n;
  }
}
