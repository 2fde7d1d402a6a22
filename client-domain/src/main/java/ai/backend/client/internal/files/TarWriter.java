package ai.backend.client.internal.files;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes POSIX ustar archives, adding a pax extended header when a name or link target does not
 * fit (more than 100 bytes, or non-ASCII) or a size does not fit the octal field.
 *
 * <p>Names are written as given, without validation, so tests can also build hostile archives.
 * {@link #close()} writes the end-of-archive marker and closes the output; {@link #finish()} writes
 * the marker only.
 */
public final class TarWriter implements Closeable {
  private static final int BLOCK = TarReader.BLOCK;
  private static final long MAX_OCTAL_SIZE = 077777777777L;

  private final OutputStream out;
  private boolean finished;

  public TarWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Adds a regular file from memory. */
  public void addFile(String name, byte[] content, int mode, Instant mtime) throws IOException {
    addFile(name, content.length, new ByteArrayInputStream(content), mode, mtime);
  }

  /** Adds a regular file of exactly {@code size} bytes read from {@code content}. */
  public void addFile(String name, long size, InputStream content, int mode, Instant mtime)
      throws IOException {
    header(name, '0', mode, size, mtime, "");
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = content.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("content of " + name + " ended " + left + " bytes early");
      }
      out.write(buf, 0, n);
      left -= n;
    }
    pad(size);
  }

  /** Adds a local file under {@code name}, with its permissions and modification time. */
  public void addFile(String name, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      addFile(name, Files.size(file), in, modeOf(file), mtimeOf(file));
    }
  }

  /** Adds a directory entry (a trailing {@code '/'} is appended if missing). */
  public void addDirectory(String name, int mode, Instant mtime) throws IOException {
    header(name.endsWith("/") ? name : name + "/", '5', mode, 0, mtime, "");
  }

  public void addSymlink(String name, String target, Instant mtime) throws IOException {
    header(name, '2', 0777, 0, mtime, target);
  }

  /** Adds a hard link to the earlier member {@code target}. */
  public void addHardLink(String name, String target, Instant mtime) throws IOException {
    header(name, '1', 0644, 0, mtime, target);
  }

  /** Adds any member type with no data (devices, fifos...), mainly for tests. */
  public void addSpecial(String name, char typeFlag, int mode, Instant mtime) throws IOException {
    header(name, typeFlag, mode, 0, mtime, "");
  }

  /**
   * Adds {@code root} recursively under the name {@code prefix} (its own name when empty): the
   * directory itself, then its content in name order. Symbolic links are stored as links.
   */
  public void addTree(Path root, String prefix) throws IOException {
    String base = prefix == null || prefix.isEmpty() ? root.getFileName().toString() : prefix;
    addPath(root, base);
  }

  private void addPath(Path p, String name) throws IOException {
    if (Files.isSymbolicLink(p)) {
      addSymlink(name, Files.readSymbolicLink(p).toString().replace('\\', '/'), mtimeOf(p));
    } else if (Files.isDirectory(p)) {
      addDirectory(name, modeOf(p), mtimeOf(p));
      List<Path> children;
      try (Stream<Path> s = Files.list(p)) {
        children = s.sorted().toList();
      }
      for (Path c : children) {
        addPath(c, name + "/" + c.getFileName());
      }
    } else {
      addFile(name, p);
    }
  }

  /** Writes the end-of-archive marker (two zero blocks); further additions are refused. */
  public void finish() throws IOException {
    if (!finished) {
      out.write(new byte[2 * BLOCK]);
      out.flush();
      finished = true;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }

  // --- headers -------------------------------------------------------------------------------

  private void header(String name, char type, int mode, long size, Instant mtime, String link)
      throws IOException {
    if (finished) {
      throw new IllegalStateException("archive already finished");
    }
    Map<String, String> pax = new TreeMap<>();
    if (!fits(name)) {
      pax.put("path", name);
    }
    if (!fits(link)) {
      pax.put("linkpath", link);
    }
    if (size > MAX_OCTAL_SIZE) {
      pax.put("size", Long.toString(size));
    }
    long secs = mtime == null ? 0 : mtime.getEpochSecond();
    if (secs < 0 || secs > MAX_OCTAL_SIZE) {
      pax.put("mtime", Long.toString(secs));
      secs = Math.max(0, Math.min(secs, MAX_OCTAL_SIZE));
    }
    if (!pax.isEmpty()) {
      byte[] records = paxRecords(pax);
      String paxName = "PaxHeaders/" + ascii(lastSegment(name));
      out.write(block(paxName, 'x', 0644, records.length, secs, ""));
      out.write(records);
      pad(records.length);
    }
    out.write(block(name, type, mode, Math.min(size, MAX_OCTAL_SIZE), secs, link));
  }

  private static byte[] block(
      String name, char type, int mode, long size, long mtime, String link) {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, ascii(name));
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    h[156] = (byte) type;
    put(h, 157, 100, ascii(link));
    put(h, 257, 6, "ustar\0");
    put(h, 263, 2, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    // Checksum: six octal digits, NUL, space (the traditional layout).
    String cs = String.format("%06o", sum);
    put(h, 148, 6, cs);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static byte[] paxRecords(Map<String, String> pax) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    for (Map.Entry<String, String> e : pax.entrySet()) {
      byte[] kv = (" " + e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8);
      // The length prefix counts its own digits: grow until stable.
      int len = kv.length + 1;
      while (Integer.toString(len).length() + kv.length != len) {
        len = Integer.toString(len).length() + kv.length;
      }
      buf.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
      buf.writeBytes(kv);
    }
    return buf.toByteArray();
  }

  private static boolean fits(String s) {
    return s.length() <= 100 && s.chars().allMatch(c -> c > 0 && c < 0x80);
  }

  /** The ustar fallback for a name carried in pax: ASCII only, cut to the field. */
  private static String ascii(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(c > 0 && c < 0x80 ? c : '_');
    }
    return b.toString();
  }

  private static String lastSegment(String name) {
    String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    return n.substring(n.lastIndexOf('/') + 1);
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
    put(h, off, len - 1, padded);
    h[off + len - 1] = 0;
  }

  private void pad(long size) throws IOException {
    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
    out.write(new byte[pad]);
  }

  private static int modeOf(Path p) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      int m = 0;
      for (PosixFilePermission perm : perms) {
        m |= 1 << (8 - perm.ordinal());
      }
      return m;
    } catch (UnsupportedOperationException | IOException e) {
      return Files.isDirectory(p) ? 0755 : Files.isExecutable(p) ? 0755 : 0644;
    }
  }

  private static Instant mtimeOf(Path p) throws IOException {
    return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
  }
}
