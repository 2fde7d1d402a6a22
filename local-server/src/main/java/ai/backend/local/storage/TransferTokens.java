package ai.backend.local.storage;

import ai.backend.local.api.ApiException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The storage-proxy transfer tokens: JWTs (HS256, compact form) that a manager route issues and the
 * storage-proxy endpoints accept as their only credential, as a Backend.AI storage proxy does (claim
 * names follow {@code BA@25.15.0:src/ai/backend/storage/api/client.py}: {@code op}, {@code vfid},
 * {@code relpath}, {@code size}, {@code session}, {@code archive}; {@code sub} is the access key the
 * folder is resolved for again at transfer time). The secret lives in the state directory, so tokens
 * and upload sessions outlive a server restart.
 */
public final class TransferTokens {
  /** What a token allows. */
  public enum Op {
    UPLOAD,
    DOWNLOAD;

    String claim() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A verified token's claims.
   *
   * @param size the upload's total size (0 for downloads)
   * @param session the upload session id (null for downloads)
   */
  public record Claims(
      Op op,
      String folderId,
      String relpath,
      long size,
      boolean archive,
      String session,
      String accessKey,
      Instant expires) {}

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final byte[] secret;
  private final Clock clock;

  TransferTokens(byte[] secret, Clock clock) {
    this.secret = secret.clone();
    this.clock = clock;
  }

  /**
   * Loads the secret kept in {@code dir} ({@code token-secret}, owner-only), creating it on first
   * use.
   */
  public static TransferTokens open(Path dir, Clock clock) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("token-secret");
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      Path tmp = Files.createTempFile(
          dir,
          "token-secret",
          ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, Base64.getEncoder().encode(fresh));
      try {
        // no REPLACE_EXISTING: when two servers race on one state dir, the first secret wins
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        Files.deleteIfExists(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
    if (key.length < 32) {
      throw new IOException("the token secret in " + file + " is too short; delete it");
    }
    return new TransferTokens(key, clock);
  }

  /** A signed token carrying {@code claims} (its {@code expires} is the {@code exp} claim). */
  public String issue(Claims c) {
    JsonObject p = new JsonObject();
    p.addProperty("op", c.op().claim());
    p.addProperty("volume", "local");
    p.addProperty("vfid", c.folderId());
    p.addProperty("relpath", c.relpath());
    if (c.op() == Op.UPLOAD) {
      p.addProperty("size", c.size());
      p.addProperty("session", c.session());
    } else {
      p.addProperty("archive", c.archive());
    }
    p.addProperty("sub", c.accessKey());
    p.addProperty("iat", clock.instant().getEpochSecond());
    p.addProperty("exp", c.expires().getEpochSecond());
    String body = HEADER + "." + B64.encodeToString(p.toString().getBytes(StandardCharsets.UTF_8));
    return body + "." + B64.encodeToString(sign(body));
  }

  /** Claims for a new token of {@code op} valid for {@code lifetime}. */
  public Claims claims(
      Op op,
      ResolvedFolder f,
      String accessKey,
      String relpath,
      long size,
      boolean archive,
      String session,
      Duration lifetime) {
    return new Claims(
        op, f.id(), relpath, size, archive, session, accessKey, clock.instant().plus(lifetime));
  }

  /**
   * Checks the signature, the expiry and the operation.
   *
   * @throws ApiException 401 for a missing, malformed, forged or expired token, 403 for a token of
   *     the other operation
   */
  public Claims verify(String token, Op expected) throws ApiException {
    if (token == null || token.isEmpty()) {
      throw unauthorized("The transfer token is missing: add ?token=<the token request-"
          + expected.claim() + " answered>.");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw unauthorized("The transfer token is malformed (not a JWT).");
    }
    JsonObject header;
    JsonObject p;
    byte[] sig;
    try {
      header = JsonParser.parseString(new String(B64D.decode(parts[0]), StandardCharsets.UTF_8))
          .getAsJsonObject();
      p = JsonParser.parseString(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8))
          .getAsJsonObject();
      sig = B64D.decode(parts[2]);
    } catch (IllegalArgumentException | JsonParseException | IllegalStateException e) {
      throw unauthorized("The transfer token is malformed (not a JWT).");
    }
    JsonElement alg = header.get("alg");
    // only HS256: "none" and other algorithms are refused, whatever the header claims
    if (alg == null || !alg.isJsonPrimitive() || !alg.getAsString().equals("HS256")) {
      throw unauthorized("The transfer token is not signed with HS256.");
    }
    if (!MessageDigest.isEqual(sig, sign(parts[0] + "." + parts[1]))) {
      throw unauthorized(
          "The transfer token's signature is invalid (not issued by this server, or altered).");
    }
    try {
      Instant exp = Instant.ofEpochSecond(p.get("exp").getAsLong());
      if (!clock.instant().isBefore(exp)) {
        throw unauthorized("The transfer token expired at " + exp + "; request a new one with "
            + "request-" + expected.claim() + ".");
      }
      String op = p.get("op").getAsString();
      if (!op.equals(expected.claim())) {
        throw new ApiException(
            403,
            "generic-forbidden",
            "Forbidden operation.",
            "This token is for " + op + ", not " + expected.claim() + ".",
            null);
      }
      boolean upload = expected == Op.UPLOAD;
      return new Claims(
          expected,
          p.get("vfid").getAsString(),
          p.get("relpath").getAsString(),
          upload ? p.get("size").getAsLong() : 0,
          !upload && p.has("archive") && p.get("archive").getAsBoolean(),
          upload ? p.get("session").getAsString() : null,
          p.get("sub").getAsString(),
          exp);
    } catch (RuntimeException e) {
      // signed by us but not in our shape: cannot happen unless the secret is shared
      throw unauthorized("The transfer token lacks required claims.");
    }
  }

  private static ApiException unauthorized(String msg) {
    return new ApiException(401, "auth-failed", "Credential/signature mismatch.", msg, null);
  }

  private byte[] sign(String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }
}
