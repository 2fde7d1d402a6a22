package ai.backend.local.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes ustar archives (GNU long-name records for names over 100 bytes), like Docker's "get archive":
 * a file or a directory tree, member names relative to the path's parent; symlinks are stored as links.
 */
final class TarWriter {
  private final OutputStream out;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  void add(Path p, String name) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    long mtime = a.lastModifiedTime().toMillis() / 1000;
    int mode = mode(a.permissions());
    if (a.isSymbolicLink()) {
      entry(name, mode, 0, mtime, '2', Files.readSymbolicLink(p).toString());
    } else if (a.isDirectory()) {
      entry(name + "/", mode, 0, mtime, '5', "");
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        ds.forEach(children::add);
      }
      children.sort(null);
      for (Path c : children) {
        add(c, name + "/" + c.getFileName());
      }
    } else if (a.isRegularFile()) {
      long size = a.size();
      entry(name, mode, size, mtime, '0', "");
      copy(p, size);
      pad(size);
    }
    // sockets, fifos and devices are skipped
  }

  /**
   * Streams exactly {@code size} bytes of {@code p} (the size the header announced) through a small
   * buffer: a file that grows meanwhile is cut, one that shrinks is padded with zeros, so the archive
   * stays well-formed whatever session code does to the file.
   */
  private void copy(Path p, long size) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = size;
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
    java.util.Arrays.fill(buf, (byte) 0);
    while (left > 0) {
      int n = (int) Math.min(buf.length, left);
      out.write(buf, 0, n);
      left -= n;
    }
  }

  /** The bytes {@link #add} writes for {@code path}: headers, contents and padding. */
  static long archivedSize(Path path, String name) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    long n = headerSize(a.isDirectory() ? name + "/" : name)
        + (a.isSymbolicLink() ? longLinkSize(Files.readSymbolicLink(path).toString()) : 0);
    if (a.isDirectory()) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        for (Path c : ds) {
          n += archivedSize(c, name + "/" + c.getFileName());
        }
      }
    } else if (a.isRegularFile()) {
      n += (a.size() + 511) / 512 * 512;
    }
    return n;
  }

  private static long headerSize(String name) {
    return 512 + longLinkSize(name);
  }

  private static long longLinkSize(String value) {
    int len = value.getBytes(StandardCharsets.UTF_8).length;
    return len > 100 ? 512 + (len + 1 + 511) / 512 * 512 : 0;
  }

  void finish() throws IOException {
    write(new byte[1024]);
    out.flush();
  }

  private void entry(String name, int mode, long size, long mtime, char type, String link)
      throws IOException {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] l = link.getBytes(StandardCharsets.UTF_8);
    if (l.length > 100) {
      longRecord('K', l);
    }
    if (n.length > 100) {
      longRecord('L', n);
    }
    header(n, mode, size, mtime, type, l);
  }

  private void longRecord(char type, byte[] value) throws IOException {
    byte[] v = new byte[value.length + 1];
    System.arraycopy(value, 0, v, 0, value.length);
    header(
        "././@LongLink".getBytes(StandardCharsets.US_ASCII), 0644, v.length, 0, type, new byte[0]);
    write(v);
    pad(v.length);
  }

  private void header(byte[] name, int mode, long size, long mtime, char type, byte[] link)
      throws IOException {
    byte[] h = new byte[512];
    System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    h[156] = (byte) type;
    System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
    byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, h, 257, magic.length);
    byte[] user = "work".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(user, 0, h, 265, user.length);
    System.arraycopy(user, 0, h, 297, user.length);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String cs = String.format("%06o", sum);
    System.arraycopy(cs.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    write(h);
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = String.format("%0" + (len - 1) + "o", v);
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  private void pad(long size) throws IOException {
    int rem = (int) (size % 512);
    if (rem != 0) {
      write(new byte[512 - rem]);
    }
  }

  private void write(byte[] b) throws IOException {
    out.write(b);
  }

  static int mode(Set<PosixFilePermission> perms) {
    int m = 0;
    for (PosixFilePermission p : perms) {
      m |= switch (p) {
        case OWNER_READ -> 0400;
        case OWNER_WRITE -> 0200;
        case OWNER_EXECUTE -> 0100;
        case GROUP_READ -> 040;
        case GROUP_WRITE -> 020;
        case GROUP_EXECUTE -> 010;
        case OTHERS_READ -> 04;
        case OTHERS_WRITE -> 02;
        case OTHERS_EXECUTE -> 01;
      };
    }
    return m;
  }
}
