package ai.backend.client.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Saves the parts of a v4 folder download (spec §9.1): {@code multipart/mixed}, one part per file named
 * by {@code Content-Disposition: attachment; filename="<basename>"}, each body gzip-compressed when the
 * part says {@code Content-Encoding: gzip}. Each file is written to a temporary sibling and renamed when
 * complete; its SHA-256 is taken over the uncompressed bytes.
 */
public final class GzipParts {
  private static final int BUFFER = 64 * 1024;

  private GzipParts() {}

  /** One saved file: the name the part announced, where it went, its size and SHA-256. */
  public record Saved(String filename, Path path, long size, byte[] sha256) {}

  /**
   * Reads every part of {@code reader}.
   *
   * @param target where a part's file name goes; it may refuse by throwing IllegalArgumentException
   * @param written called with the uncompressed bytes written so far, over all parts
   * @throws MalformedMultipartException for a part without a file name or a broken multipart body
   */
  public static List<Saved> save(
      MultipartMixedReader reader, Function<String, Path> target, LongConsumer written)
      throws IOException {
    List<Saved> out = new ArrayList<>();
    long total = 0;
    MultipartMixedReader.Part part;
    while ((part = reader.next()) != null) {
      String name = filename(part.header("Content-Disposition"));
      if (name == null) {
        throw new MalformedMultipartException("a download part has no file name");
      }
      Path dest = target.apply(name);
      Files.createDirectories(dest.getParent());
      Path tmp = dest.resolveSibling(dest.getFileName() + ".part");
      MessageDigest md = sha256();
      long size = 0;
      String encoding = part.header("Content-Encoding");
      boolean gzip =
          encoding != null && encoding.strip().toLowerCase(Locale.ROOT).equals("gzip");
      try (InputStream raw = part.body();
          InputStream in = gzip ? new GZIPInputStream(raw, BUFFER) : raw;
          OutputStream os = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) > 0) {
          os.write(buf, 0, n);
          md.update(buf, 0, n);
          size += n;
          written.accept(total + size);
        }
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
      total += size;
      out.add(new Saved(name, dest, size, md.digest()));
    }
    return List.copyOf(out);
  }

  /** The {@code filename} (or RFC 5987 {@code filename*}) of a Content-Disposition, or null. */
  static String filename(String disposition) {
    if (disposition == null) {
      return null;
    }
    String plain = null;
    for (String param : disposition.split(";")) {
      String p = param.strip();
      int eq = p.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = p.substring(eq + 1).strip();
      if (key.equals("filename*")) {
        int quote = value.indexOf("''");
        if (quote >= 0) {
          return URLDecoder.decode(
              value.substring(quote + 2).replace("+", "%2B"), StandardCharsets.UTF_8);
        }
      } else if (key.equals("filename")) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value =
              value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        plain = value;
      }
    }
    return plain;
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
