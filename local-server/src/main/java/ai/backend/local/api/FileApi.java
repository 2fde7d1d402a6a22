package ai.backend.local.api;

import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionRegistry;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;

/**
 * Session file routes (§6): multipart upload, tar download, single-file download, listing. Every
 * client path is confined to the session's work directory (relative, or absolute under {@code
 * /home/work}; no {@code ..}, no symlink escapes).
 */
public final class FileApi {
  static final int MAX_FILES = 20;
  static final int MAX_FILE_BYTES = 1 << 20;
  static final int MAX_DOWNLOADS = 5;
  /** Longest file name component (Linux NAME_MAX) and whole client path accepted. */
  static final int MAX_NAME_BYTES = 255;

  static final int MAX_PATH_BYTES = 1024;
  /** The work directory's path inside a Backend.AI kernel, which names this session's work dir. */
  static final String WORK_DIR = "/home/work";

  private final SessionApi sessions;
  private final SessionRegistry registry;
  private final SecureRandom random = new SecureRandom();

  private final long maxDownloadBytes;

  public FileApi(SessionApi sessions, SessionRegistry registry, long maxDownloadBytes) {
    this.sessions = sessions;
    this.registry = registry;
    this.maxDownloadBytes = maxDownloadBytes;
  }

  public void register(Router r) {
    for (Dialect d : Dialect.values()) {
      String p = "/" + d.prefix() + "/{id}";
      r.add("POST", p + "/upload", d, this::upload);
      r.add("GET", p + "/download", d, this::download);
      r.add("POST", p + "/download", d, this::download);
      r.add("GET", p + "/files", d, this::listFiles);
    }
    r.add("POST", "/session/{id}/download_single", Dialect.CURRENT, this::downloadSingle);
    r.add("GET", "/session/{id}/download_single", Dialect.CURRENT, this::downloadSingle);
  }

  private Path workDir(ApiCall call) throws ApiException {
    Session s = sessions.session(call);
    try {
      registry.use(s, k -> null);
    } catch (TimeoutException e) {
      throw new ApiException(
          503, "kernel-not-ready", "The session is not running yet.", null, null);
    } catch (IllegalStateException e) {
      throw Problems.sessionNotFound(call.dialect());
    }
    return s.workDir();
  }

  /**
   * Resolves a client path inside {@code root}: relative to it, or absolute under {@code /home/work}
   * (the work directory's name inside a kernel). The final component is not followed (a symlink is
   * handled as the link itself); every existing ancestor must really be inside {@code root}.
   */
  static Path confine(Path root, String rel) throws ApiException {
    if (rel == null || rel.isEmpty()) {
      rel = ".";
    }
    if (rel.indexOf('\0') >= 0) {
      throw Problems.invalidParams("Invalid path: " + rel.replace('\0', '?'));
    }
    String given = rel;
    if (rel.startsWith("/")) {
      // the session's work directory is /home/work on every Backend.AI kernel; clients ask for it
      // by that name (the official client's `ls` does)
      String stripped = rel.replaceFirst("^/+", "/");
      if (stripped.equals(WORK_DIR) || stripped.startsWith(WORK_DIR + "/")) {
        rel = stripped.length() == WORK_DIR.length()
            ? "."
            : stripped.substring(WORK_DIR.length() + 1);
        if (rel.isEmpty()) {
          rel = ".";
        }
      } else {
        throw Problems.invalidParams(
            "The path is outside the work directory " + WORK_DIR + ": " + given);
      }
    }
    for (String seg : rel.split("/")) {
      if (seg.equals("..")) {
        throw Problems.invalidParams("Paths must not contain '..': " + given);
      }
    }
    try {
      Path realRoot = root.toRealPath();
      Path p = realRoot.resolve(rel).normalize();
      if (!p.startsWith(realRoot)) {
        throw Problems.invalidParams("The path escapes the work directory: " + rel);
      }
      Path parent = p.equals(realRoot) ? realRoot : p.getParent();
      Path existing = parent;
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
        throw Problems.invalidParams("The path escapes the work directory: " + rel);
      }
      return p;
    } catch (IOException e) {
      throw Problems.invalidParams("Invalid path: " + rel);
    }
  }

  HttpReply upload(ApiCall call) throws ApiException, IOException {
    Path root = workDir(call);
    store(root, Multipart.parse(call.header("Content-Type"), call.body()));
    return HttpReply.noContent();
  }

  /**
   * Writes the file parts of an upload under {@code root}, after checking all of them (count, sizes,
   * names confined to {@code root}); separate from {@link #upload} so that it runs without a session
   * (FileApiFuzzTest).
   */
  static void store(Path root, List<Multipart.Part> parts) throws ApiException, IOException {
    List<Multipart.Part> files = new ArrayList<>();
    for (Multipart.Part p : parts) {
      if (p.filename() != null) {
        files.add(p);
      }
    }
    if (files.size() > MAX_FILES) {
      throw Problems.invalidParams("Too many files");
    }
    for (Multipart.Part p : files) {
      if (p.data().length >= MAX_FILE_BYTES) {
        throw Problems.invalidParams("Too large file");
      }
    }
    for (Multipart.Part p : files) {
      checkName(p.filename());
      Path target = confine(root, p.filename());
      if (target.equals(root.toRealPath())) {
        throw Problems.invalidParams("Invalid file name: " + p.filename());
      }
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target)) {
          if (ds.iterator().hasNext()) {
            throw Problems.invalidParams(
                "A directory that is not empty is in the way: " + p.filename());
          }
        }
      }
    }
    for (Multipart.Part p : files) {
      Path target = confine(root, p.filename());
      Files.createDirectories(target.getParent());
      // re-check after creating parents: a symlinked parent must not lead outside
      confine(root, p.filename());
      if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(target);
      }
      Files.write(target, p.data());
    }
  }

  /** File system limits, checked before anything is written (the error must name no server path). */
  private static void checkName(String name) throws ApiException {
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw Problems.invalidParams("The file name is longer than " + MAX_PATH_BYTES + " bytes.");
    }
    for (String seg : name.split("/")) {
      if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw Problems.invalidParams("A path component is longer than " + MAX_NAME_BYTES
            + " bytes: " + seg.substring(0, 40) + "...");
      }
    }
  }

  HttpReply download(ApiCall call) throws ApiException, IOException {
    Path root = workDir(call);
    List<String> names = call.list("files");
    if (names.isEmpty()) {
      throw Problems.invalidParams("files is missing or empty!");
    }
    if (names.size() > MAX_DOWNLOADS) {
      throw Problems.invalidParams("Too many files (at most " + MAX_DOWNLOADS + ")");
    }
    List<Path> paths = new ArrayList<>();
    long total = 0;
    for (String n : names) {
      Path p = confine(root, n);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw Problems.invalidParams("The file is not found.");
      }
      paths.add(p);
      total += TarWriter.archivedSize(p, p.getFileName().toString());
    }
    checkDownloadSize(total);
    byte[] b = new byte[16];
    random.nextBytes(b);
    String boundary = HexFormat.of().formatHex(b);
    // streamed, one tar archive per part, through a 64 KiB buffer: the size of the files does not
    // decide the server's memory (chunked, as the archives are written while files may change)
    return HttpReply.stream("multipart/mixed; boundary=" + boundary, (req, resp, cb) -> {
      try (OutputStream out =
          new BufferedOutputStream(Content.Sink.asOutputStream(resp), 64 * 1024)) {
        for (Path p : paths) {
          out.write(("--" + boundary
                  + "\r\nContent-Type: application/x-tar\r\nContent-Encoding: identity\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          TarWriter w = new TarWriter(out);
          w.add(p, p.getFileName().toString());
          w.finish();
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      } catch (IOException | RuntimeException e) {
        cb.failed(e); // the response is committed: the client sees a cut body, not a complete one
        return;
      }
      cb.succeeded();
    });
  }

  private void checkDownloadSize(long total) throws ApiException {
    if (total > maxDownloadBytes) {
      throw Problems.invalidParams(
          "The download is " + total + " bytes, more than this server's limit of "
              + maxDownloadBytes + " bytes (local-server --max-download-bytes).");
    }
  }

  HttpReply downloadSingle(ApiCall call) throws ApiException, IOException {
    Path root = workDir(call);
    String name = call.str("file");
    if (name == null || name.isEmpty()) {
      throw Problems.invalidParams("file is missing or empty!");
    }
    Path p = confine(root, name);
    if (!Files.isRegularFile(p) || !p.toRealPath().startsWith(root.toRealPath())) {
      throw Problems.invalidParams("The file is not found.");
    }
    long size = Files.size(p);
    checkDownloadSize(size);
    return HttpReply.stream("application/octet-stream", (req, resp, cb) -> {
      try (InputStream in = Files.newInputStream(p);
          OutputStream out = Content.Sink.asOutputStream(resp)) {
        in.transferTo(out);
      } catch (IOException | RuntimeException e) {
        cb.failed(e);
        return;
      }
      cb.succeeded();
    });
  }

  HttpReply listFiles(ApiCall call) throws ApiException, IOException {
    Path root = workDir(call);
    String rel = call.str("path");
    if (rel == null || rel.isEmpty()) {
      rel = ".";
    }
    Path dir = confine(root, rel);
    JsonArray files = new JsonArray();
    String errors = "";
    if (Files.isDirectory(dir) && dir.toRealPath().startsWith(root.toRealPath())) {
      List<Path> entries = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        ds.forEach(entries::add);
      }
      entries.sort(null);
      for (Path e : entries) {
        try {
          files.add(entry(e));
        } catch (NoSuchFileException gone) {
          // deleted while listing
        }
      }
    } else if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      files.add(entry(dir));
    } else {
      errors = "ls: cannot access '" + rel + "': No such file or directory\n";
    }
    JsonObject o = new JsonObject();
    o.addProperty("files", HttpReply.GSON.toJson(files));
    o.addProperty("errors", errors);
    o.addProperty("abspath", rel);
    return HttpReply.json(200, o);
  }

  private static JsonObject entry(Path p) throws IOException {
    PosixFileAttributes a =
        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    JsonObject o = new JsonObject();
    o.addProperty("mode", lsMode(a));
    o.addProperty("size", a.size());
    addStatTimes(o, p, a);
    o.addProperty("filename", p.getFileName().toString());
    return o;
  }

  /**
   * {@code ctime}, {@code mtime} and {@code atime} of a v4 listing entry as the Python servers wrote
   * them: {@code json.dumps} of {@code os.stat}'s float times ({@code MG@18.12.0:
   * src/ai/backend/gateway/vfolder.py} {@code list_files}; the agent's {@code list_files} alike), so
   * {@code st_ctime} is the inode change time and each is printed as {@code repr(float)} does.
   */
  static void addStatTimes(JsonObject o, Path p, PosixFileAttributes a) throws IOException {
    Object ctime = Files.getAttribute(p, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    o.addProperty("ctime", pythonSeconds(ctime instanceof FileTime ft ? ft : a.lastModifiedTime()));
    o.addProperty("mtime", pythonSeconds(a.lastModifiedTime()));
    o.addProperty("atime", pythonSeconds(a.lastAccessTime()));
  }

  /**
   * {@code t} as the float CPython's {@code os.stat} makes of it ({@code sec + nsec * 1e-9}), written
   * as {@code repr} writes that float: the fewest digits that read back as the same double, plain
   * (never {@code 1.7E9}) and with at least one fractional digit. Gson would print a {@code double}
   * with {@link Double#toString}, in scientific notation past 10^7.
   */
  static BigDecimal pythonSeconds(FileTime t) {
    Instant i = t.toInstant();
    double v = i.getEpochSecond() + i.getNano() * 1e-9;
    BigDecimal exact = new BigDecimal(v);
    BigDecimal shortest = exact;
    for (int digits = 1; digits <= 17; digits++) {
      BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (d.doubleValue() == v) {
        shortest = d;
        break;
      }
    }
    String plain = shortest.toPlainString();
    // a BigDecimal with a positive scale prints plain, so Gson writes exactly this
    return new BigDecimal(plain.indexOf('.') < 0 ? plain + ".0" : plain);
  }

  static String lsMode(PosixFileAttributes a) {
    char type = a.isSymbolicLink() ? 'l' : a.isDirectory() ? 'd' : a.isRegularFile() ? '-' : '?';
    Set<PosixFilePermission> p = a.permissions();
    return "" + type
        + (p.contains(PosixFilePermission.OWNER_READ) ? 'r' : '-')
        + (p.contains(PosixFilePermission.OWNER_WRITE) ? 'w' : '-')
        + (p.contains(PosixFilePermission.OWNER_EXECUTE) ? 'x' : '-')
        + (p.contains(PosixFilePermission.GROUP_READ) ? 'r' : '-')
        + (p.contains(PosixFilePermission.GROUP_WRITE) ? 'w' : '-')
        + (p.contains(PosixFilePermission.GROUP_EXECUTE) ? 'x' : '-')
        + (p.contains(PosixFilePermission.OTHERS_READ) ? 'r' : '-')
        + (p.contains(PosixFilePermission.OTHERS_WRITE) ? 'w' : '-')
        + (p.contains(PosixFilePermission.OTHERS_EXECUTE) ? 'x' : '-');
  }

  /** A minimal multipart/form-data parser over a fully read body. */
  static final class Multipart {
    record Part(String name, String filename, byte[] data) {}

    private Multipart() {}

    static List<Part> parse(String contentType, byte[] body) throws ApiException {
      if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
        throw Problems.invalidParams("Expected a multipart/form-data body.");
      }
      String boundary = param(contentType, "boundary");
      if (boundary == null || boundary.isEmpty()) {
        throw Problems.invalidParams("Missing multipart boundary.");
      }
      byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      List<Part> parts = new ArrayList<>();
      int pos = indexOf(body, delim, 0);
      if (pos < 0) {
        throw Problems.invalidParams("Malformed multipart body.");
      }
      while (true) {
        int after = pos + delim.length;
        if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
          break; // closing delimiter
        }
        int headStart = skipLine(body, after);
        int headEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headStart);
        if (headStart < 0 || headEnd < 0) {
          throw Problems.invalidParams("Malformed multipart body.");
        }
        String headers = new String(body, headStart, headEnd - headStart, StandardCharsets.UTF_8);
        int dataStart = headEnd + 4;
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int dataEnd = indexOf(body, next, dataStart);
        if (dataEnd < 0) {
          throw Problems.invalidParams("Malformed multipart body.");
        }
        String disposition = null;
        for (String line : headers.split("\r\n")) {
          int c = line.indexOf(':');
          if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("Content-Disposition")) {
            disposition = line.substring(c + 1);
          }
        }
        byte[] data = java.util.Arrays.copyOfRange(body, dataStart, dataEnd);
        parts.add(new Part(
            disposition == null ? null : param(disposition, "name"),
            disposition == null ? null : param(disposition, "filename"),
            data));
        pos = dataEnd + 2;
      }
      return parts;
    }

    private static int skipLine(byte[] b, int from) {
      for (int i = from; i + 1 < b.length; i++) {
        if (b[i] == '\r' && b[i + 1] == '\n') {
          return i + 2;
        }
      }
      return -1;
    }

    /** A header parameter value, quoted or not ({@code filename*=utf-8''...} decoded too). */
    static String param(String header, String name) throws ApiException {
      String star = null;
      String plain = null;
      for (String item : splitParams(header)) {
        int eq = item.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String k = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String v = item.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (k.equals(name)) {
          plain = v;
        } else if (k.equals(name + "*")) {
          int q = v.indexOf("''");
          try {
            star = java.net.URLDecoder.decode(
                (q >= 0 ? v.substring(q + 2) : v).replace("+", "%2B"), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) { // a bad %-escape: the client's mistake, not a 500
            throw Problems.invalidParams(
                "Malformed " + name + "* parameter in a multipart header.");
          }
        }
      }
      return star != null ? star : plain;
    }

    private static List<String> splitParams(String h) {
      List<String> out = new ArrayList<>();
      StringBuilder cur = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < h.length(); i++) {
        char c = h.charAt(i);
        if (c == '"' && (i == 0 || h.charAt(i - 1) != '\\')) {
          quoted = !quoted;
        }
        if (c == ';' && !quoted) {
          out.add(cur.toString());
          cur.setLength(0);
        } else {
          cur.append(c);
        }
      }
      out.add(cur.toString());
      return out;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
      outer:
      for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
