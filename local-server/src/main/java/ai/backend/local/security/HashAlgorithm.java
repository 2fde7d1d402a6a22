package ai.backend.local.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Hash functions a client may name in {@code signMethod=HMAC-<HASH>} (§2.3: Python's
 * {@code hashlib.algorithms_guaranteed} but the SHAKEs): the SHA families through the JCA, BLAKE2
 * through Bouncy Castle's lightweight API (the JDK has none), as Python's {@code hmac.new(key, msg,
 * 'blake2b')} computes it: an unkeyed blake2b-512 / blake2s-256 inside HMAC.
 */
public enum HashAlgorithm {
  MD5("md5", "MD5", "HmacMD5"),
  SHA1("sha1", "SHA-1", "HmacSHA1"),
  SHA224("sha224", "SHA-224", "HmacSHA224"),
  SHA256("sha256", "SHA-256", "HmacSHA256"),
  SHA384("sha384", "SHA-384", "HmacSHA384"),
  SHA512("sha512", "SHA-512", "HmacSHA512"),
  SHA3_224("sha3_224", "SHA3-224", "HmacSHA3-224"),
  SHA3_256("sha3_256", "SHA3-256", "HmacSHA3-256"),
  SHA3_384("sha3_384", "SHA3-384", "HmacSHA3-384"),
  SHA3_512("sha3_512", "SHA3-512", "HmacSHA3-512"),
  BLAKE2B("blake2b", () -> new Blake2bDigest(512)),
  BLAKE2S("blake2s", () -> new Blake2sDigest(256));

  private final String pythonName;
  private final String digest;
  private final String mac;
  private final Supplier<Digest> lightweight;

  HashAlgorithm(String pythonName, String digest, String mac) {
    this.pythonName = pythonName;
    this.digest = digest;
    this.mac = mac;
    this.lightweight = null;
  }

  HashAlgorithm(String pythonName, Supplier<Digest> lightweight) {
    this.pythonName = pythonName;
    this.digest = null;
    this.mac = null;
    this.lightweight = lightweight;
  }

  /** The hashlib name, e.g. {@code sha256} or {@code sha3_256}. */
  public String pythonName() {
    return pythonName;
  }

  /** Looks up a hashlib name (case-insensitive); {@code sha3-256} is accepted as well. */
  public static Optional<HashAlgorithm> of(String name) {
    String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
    for (HashAlgorithm h : values()) {
      if (h.pythonName.equals(n)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  public String hexDigest(byte[] data) {
    if (lightweight != null) {
      Digest d = lightweight.get();
      d.update(data, 0, data.length);
      byte[] out = new byte[d.getDigestSize()];
      d.doFinal(out, 0);
      return HexFormat.of().formatHex(out);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(digest).digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] hmac(byte[] key, String message) {
    byte[] msg = message.getBytes(StandardCharsets.UTF_8);
    if (lightweight != null) {
      HMac m = new HMac(lightweight.get());
      m.init(new KeyParameter(key));
      m.update(msg, 0, msg.length);
      byte[] out = new byte[m.getMacSize()];
      m.doFinal(out, 0);
      return out;
    }
    try {
      Mac m = Mac.getInstance(mac);
      m.init(new SecretKeySpec(key, mac));
      return m.doFinal(msg);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
