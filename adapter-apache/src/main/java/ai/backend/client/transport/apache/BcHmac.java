package ai.backend.client.transport.apache;

import ai.backend.client.port.Hmac;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA224Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA3Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC and digests from Bouncy Castle's lightweight API (no JCA provider registration). BLAKE2 is used
 * as a plain hash inside HMAC, as Python's {@code hmac.new(key, msg, 'blake2b')} does (blake2b-512,
 * blake2s-256, unkeyed).
 */
final class BcHmac implements Hmac {
  private static final Map<String, Supplier<Digest>> DIGESTS = Map.ofEntries(
      Map.entry("md5", MD5Digest::new),
      Map.entry("sha1", SHA1Digest::new),
      Map.entry("sha224", SHA224Digest::new),
      Map.entry("sha256", SHA256Digest::new),
      Map.entry("sha384", SHA384Digest::new),
      Map.entry("sha512", SHA512Digest::new),
      Map.entry("sha3_224", () -> new SHA3Digest(224)),
      Map.entry("sha3_256", () -> new SHA3Digest(256)),
      Map.entry("sha3_384", () -> new SHA3Digest(384)),
      Map.entry("sha3_512", () -> new SHA3Digest(512)),
      Map.entry("blake2b", () -> new Blake2bDigest(512)),
      Map.entry("blake2s", () -> new Blake2sDigest(256)));

  @Override
  public byte[] mac(String algorithm, byte[] key, byte[] data) {
    HMac mac = new HMac(digest(algorithm));
    mac.init(new KeyParameter(key));
    mac.update(data, 0, data.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  @Override
  public byte[] digest(String algorithm, byte[] data) {
    Digest d = digest(algorithm);
    d.update(data, 0, data.length);
    byte[] out = new byte[d.getDigestSize()];
    d.doFinal(out, 0);
    return out;
  }

  @Override
  public boolean supports(String algorithm) {
    return algorithm != null && DIGESTS.containsKey(algorithm.toLowerCase(Locale.ROOT));
  }

  private static Digest digest(String algorithm) {
    Supplier<Digest> s = algorithm == null ? null : DIGESTS.get(algorithm.toLowerCase(Locale.ROOT));
    if (s == null) {
      throw new IllegalArgumentException("unsupported hash algorithm: " + algorithm
          + " (supported: " + new TreeSet<>(DIGESTS.keySet()) + ")");
    }
    return s.get();
  }
}
