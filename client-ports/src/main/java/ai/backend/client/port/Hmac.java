package ai.backend.client.port;

/**
 * The cryptographic primitives request signing needs. Algorithm names are Backend.AI's (Python
 * {@code hashlib}) spelling in lower case: {@code md5}, {@code sha1}, {@code sha224}, {@code sha256},
 * {@code sha384}, {@code sha512}, {@code sha3_224}, {@code sha3_256}, {@code sha3_384}, {@code sha3_512}
 * (and {@code blake2b}, {@code blake2s} where the provider supports them).
 */
public interface Hmac {

  /** HMAC of {@code data} under {@code key}, raw bytes. */
  byte[] mac(String algorithm, byte[] key, byte[] data);

  /** Plain hash of {@code data}, raw bytes. */
  byte[] digest(String algorithm, byte[] data);

  /** Whether {@link #mac} and {@link #digest} accept this algorithm name. */
  boolean supports(String algorithm);
}
