package ai.backend.local.storage;

import ai.backend.local.api.ApiException;
import ai.backend.local.api.Problems;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The storage-proxy endpoints ({@code BA@25.15.0:src/ai/backend/storage/api/client.py}): {@code
 * /upload} speaks tus 1.0.0 without the creation extension (the session exists once the token is
 * issued), {@code /download} serves a file with Range/If-Range or a directory as a zip streamed on
 * the fly. Bodies go through fixed buffers, so file size never decides memory.
 */
final class StorageProxyHandler extends Handler.Wrapper {
  private static final System.Logger LOG = System.getLogger(StorageProxyHandler.class.getName());
  private static final String TUS = "1.0.0";
  private static final int BUFFER = 256 * 1024;
  /** The most of an unread PATCH body an error answer drains to keep the connection usable. */
  private static final long DRAIN_LIMIT = 16L << 20;

  private static final String EXPOSED = "Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size, "
      + "Upload-Length, Upload-Offset, Content-Range, Content-Disposition, ETag, Last-Modified, "
      + "Accept-Ranges";

  private final StorageProxy proxy;
  /** One PATCH at a time per upload session. */
  private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  StorageProxyHandler(StorageProxy proxy, Handler next) {
    super(next);
    this.proxy = proxy;
  }

  /** An answer that is not a problem+json: status plus headers, no body. */
  private static final class Reply extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Map<String, String> headers;

    Reply(int status, Map<String, String> headers) {
      super(null, null, false, false);
      this.status = status;
      this.headers = headers;
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = request.getHttpURI().getPath();
    if (path == null
        || !(path.equals(StorageProxy.PREFIX) || path.startsWith(StorageProxy.PREFIX + "/"))) {
      return super.handle(request, response, callback);
    }
    response.getHeaders().put("Access-Control-Allow-Origin", "*");
    response.getHeaders().put("Access-Control-Expose-Headers", EXPOSED);
    String method = request.getMethod();
    try {
      switch (path.substring(StorageProxy.PREFIX.length())) {
        case "/upload" -> upload(method, request, response, callback);
        case "/download" -> download(method, request, response, callback);
        case "", "/" -> status(method, response, callback);
        default -> throw new ApiException(404, "url-not-found", "Unknown URL path.", null, null);
      }
    } catch (ApiException e) {
      answer(request, response, callback, e);
    } catch (Reply r) {
      response.setStatus(r.status);
      r.headers.forEach(response.getHeaders()::put);
      response.write(true, null, callback);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "storage-proxy " + method + " " + path, e);
      if (response.isCommitted()) {
        callback.failed(e);
      } else {
        answer(
            request,
            response,
            callback,
            Problems.internal("Storage error (" + e.getClass().getSimpleName() + ")."));
      }
    }
    return true;
  }

  private void status(String method, Response response, Callback callback) throws ApiException {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw Problems.methodNotAllowed(method);
    }
    JsonObject o = new JsonObject();
    o.addProperty("status", "ok");
    o.addProperty("type", "client-facing");
    o.addProperty("storage-proxy", "local-server");
    byte[] b = o.toString().getBytes(StandardCharsets.UTF_8);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.length);
    response.write(true, method.equals("HEAD") ? null : ByteBuffer.wrap(b), callback);
  }

  // ---------------------------------------------------------------------------------------------
  // tus 1.0.0 upload

  private void upload(String method, Request request, Response response, Callback callback)
      throws Exception {
    if (method.equals("OPTIONS")) {
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Tus-Resumable", TUS);
      h.put("Tus-Version", TUS);
      h.put("Tus-Extension", "termination");
      h.put("Tus-Max-Size", Long.toString(Long.MAX_VALUE));
      h.put("Access-Control-Allow-Methods", "OPTIONS, HEAD, PATCH, DELETE");
      h.put(
          "Access-Control-Allow-Headers",
          "Tus-Resumable, Upload-Length, Upload-Metadata, Upload-Offset, Content-Type");
      throw new Reply(204, h);
    }
    if (!method.equals("HEAD") && !method.equals("PATCH") && !method.equals("DELETE")) {
      throw Problems.methodNotAllowed(method);
    }
    TransferTokens.Claims c = proxy.tokens.verify(token(request), TransferTokens.Op.UPLOAD);
    if (!method.equals("HEAD")) {
      // tus: every request but OPTIONS names the protocol version it speaks
      String v = request.getHeaders().get("Tus-Resumable");
      if (!TUS.equals(v)) {
        throw new ApiException(
            412,
            "generic-bad-request",
            "Precondition failed.",
            "Tus-Resumable: " + TUS + " is required (got " + v + ").",
            null);
      }
    }
    ReentrantLock lock = locks.computeIfAbsent(c.session(), k -> new ReentrantLock());
    if (!lock.tryLock(proxy.bodyIdleTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new ApiException(
          409,
          "generic-bad-request",
          "Conflict.",
          "Another request for this upload is still in progress.",
          null);
    }
    try {
      Path part = proxy.part(c.session());
      Path done = proxy.done(c.session());
      long offset;
      if (Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
        offset = Files.size(part);
      } else if (Files.exists(done, LinkOption.NOFOLLOW_LINKS)) {
        offset = c.size();
      } else {
        throw new ApiException(
            404,
            "generic-not-found",
            "No such upload session.",
            "The upload session is gone (terminated, or expired): request a new upload.",
            null);
      }
      switch (method) {
        case "HEAD" -> throw new Reply(200, tusHeaders(offset, c.size()));
        case "DELETE" -> {
          Files.deleteIfExists(part);
          throw new Reply(204, Map.of("Tus-Resumable", TUS));
        }
        default -> patch(request, response, callback, c, part, done, offset);
      }
    } finally {
      lock.unlock();
    }
  }

  private static Map<String, String> tusHeaders(long offset, long size) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Tus-Resumable", TUS);
    h.put("Upload-Offset", Long.toString(offset));
    h.put("Upload-Length", Long.toString(size));
    h.put("Cache-Control", "no-store");
    return h;
  }

  private void patch(
      Request request,
      Response response,
      Callback callback,
      TransferTokens.Claims c,
      Path part,
      Path done,
      long offset)
      throws Exception {
    String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String media = ct == null ? "" : ct.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/offset+octet-stream")) {
      throw new ApiException(
          415,
          "generic-bad-request",
          "Unsupported media type.",
          "A tus PATCH carries Content-Type: application/offset+octet-stream.",
          null);
    }
    String given = request.getHeaders().get("Upload-Offset");
    long clientOffset;
    try {
      clientOffset = Long.parseLong(given == null ? "" : given.trim());
    } catch (NumberFormatException e) {
      throw Problems.invalidParams("Upload-Offset is missing or not a number: " + given);
    }
    if (clientOffset != offset) {
      response.getHeaders().put("Tus-Resumable", TUS);
      response.getHeaders().put("Upload-Offset", Long.toString(offset));
      throw new ApiException(
          409,
          "generic-bad-request",
          "Upload offset mismatch.",
          "Upload-Offset is " + clientOffset + " but the upload is at " + offset
              + " bytes: continue from there (HEAD tells the offset).",
          null);
    }
    long remaining = c.size() - offset;
    long declared = request.getLength();
    if (declared > remaining) {
      throw tooMuch(c.size(), offset);
    }
    if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
      // finished before (the client lost our answer): nothing to write
      throw new Reply(204, Map.of("Tus-Resumable", TUS, "Upload-Offset", Long.toString(offset)));
    }
    // a folder deleted or made read-only meanwhile refuses the bytes now, not after gigabytes
    StorageProxy.checkWritable(proxy.resolver.resolve(c.folderId(), c.accessKey()));
    long written = 0;
    boolean overflow = false;
    IOException cut = null;
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long connectionIdle = endPoint.getIdleTimeout();
    endPoint.setIdleTimeout(proxy.bodyIdleTimeout.toMillis());
    try (FileChannel ch =
        FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      // every chunk goes to the file as it arrives: what a dropped connection delivered is kept, so
      // a resume continues from the last byte written
      try (InputStream in = Content.Source.asInputStream(request)) {
        ch.truncate(offset);
        ch.position(offset);
        byte[] buf = new byte[BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (n > remaining - written) {
            overflow = true;
            break;
          }
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) {
            ch.write(bb);
          }
          written += n;
        }
      } catch (IOException e) {
        cut = e;
      } finally {
        if (overflow) {
          ch.truncate(offset); // the PATCH is refused as a whole
        }
        ch.force(false);
      }
    } finally {
      endPoint.setIdleTimeout(connectionIdle);
    }
    if (cut != null) {
      LOG.log(
          System.Logger.Level.DEBUG,
          "upload " + c.session() + " cut at " + (offset + written) + ": " + cut);
      callback.failed(cut);
      return;
    }
    if (overflow) {
      throw tooMuch(c.size(), offset);
    }
    long now = offset + written;
    if (now == c.size()) {
      complete(c, part, done);
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Tus-Resumable", TUS);
    h.put("Upload-Offset", Long.toString(now));
    throw new Reply(204, h);
  }

  private static ApiException tooMuch(long size, long offset) {
    return new ApiException(
        413,
        "generic-bad-request",
        "Request entity too large.",
        "The body goes past the upload's size: " + (size - offset) + " bytes remain of " + size
            + ".",
        null);
  }

  /** Moves the complete part file into the folder, atomically, re-checking the path now. */
  private void complete(TransferTokens.Claims c, Path part, Path done)
      throws ApiException, IOException {
    ResolvedFolder f = proxy.resolver.resolve(c.folderId(), c.accessKey());
    StorageProxy.checkWritable(f);
    Path target = StorageProxy.confine(f.root(), c.relpath());
    Files.createDirectories(target.getParent());
    // again once the parents exist: a symlink made meanwhile must not lead the file out
    target = StorageProxy.confine(f.root(), c.relpath());
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw Problems.invalidParams("A directory is in the way: " + c.relpath());
    }
    try {
      Files.createFile(done);
    } catch (FileAlreadyExistsException e) {
      // an earlier completion failed after marking
    }
    boolean moved = false;
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } catch (AtomicMoveNotSupportedException e) {
      // another file system: copy next to the target, then rename there atomically
      Path tmp = Files.createTempFile(target.getParent(), ".upload-", ".part");
      try {
        Files.copy(part, tmp, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(part);
        moved = true;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } finally {
      if (!moved) {
        Files.deleteIfExists(done);
      }
    }
    locks.remove(c.session());
  }

  // ---------------------------------------------------------------------------------------------
  // download

  private void download(String method, Request request, Response response, Callback callback)
      throws Exception {
    if (method.equals("OPTIONS")) {
      throw new Reply(
          204,
          Map.of(
              "Access-Control-Allow-Methods", "OPTIONS, GET, HEAD",
              "Access-Control-Allow-Headers", "Range, If-Range"));
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw Problems.methodNotAllowed(method);
    }
    TransferTokens.Claims c = proxy.tokens.verify(token(request), TransferTokens.Op.DOWNLOAD);
    ResolvedFolder f = proxy.resolver.resolve(c.folderId(), c.accessKey());
    Path real = StorageProxy.existing(f.root(), c.relpath());
    Fields q = Request.extractQueryParameters(request);
    boolean archive = c.archive() || "true".equalsIgnoreCase(q.getValue("archive"));
    boolean head = method.equals("HEAD");
    if ("true".equalsIgnoreCase(q.getValue("no_cache"))) {
      response.getHeaders().put("Cache-Control", "no-store");
    }
    if (Files.isDirectory(real)) {
      if (!archive) {
        throw Problems.invalidParams(
            "The path is a directory: download it with archive=true (a zip), or name a file.");
      }
      String name =
          real.equals(f.root().toRealPath()) ? f.name() : real.getFileName().toString();
      zip(real, name + ".zip", head, response, callback);
      return;
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw Problems.invalidParams("The file is not a regular file.");
    }
    try (FileChannel ch =
        FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      BasicFileAttributes a =
          Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long size = a.size();
      Instant mtime = a.lastModifiedTime().toInstant();
      String etag = "\"" + Long.toHexString(size) + "-"
          + Long.toHexString(mtime.getEpochSecond() * 1_000_000_000L + mtime.getNano()) + "\"";
      String lastModified = DateTimeFormatter.RFC_1123_DATE_TIME.format(
          ZonedDateTime.ofInstant(mtime, ZoneOffset.UTC));
      var h = response.getHeaders();
      h.put("Accept-Ranges", "bytes");
      h.put(HttpHeader.ETAG, etag);
      h.put(HttpHeader.LAST_MODIFIED, lastModified);
      h.put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
      h.put("Content-Disposition", attachment(real.getFileName().toString()));
      long start = 0;
      long end = size - 1;
      String range = request.getHeaders().get(HttpHeader.RANGE);
      String ifRange = request.getHeaders().get(HttpHeader.IF_RANGE);
      if (range != null && (ifRange == null || ifRangeHolds(ifRange.trim(), etag, mtime))) {
        long[] r = parseRange(range, size);
        if (r == UNSATISFIABLE) {
          throw new Reply(416, Map.of("Content-Range", "bytes */" + size));
        }
        if (r != null) {
          start = r[0];
          end = r[1];
          response.setStatus(206);
          h.put(HttpHeader.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
        }
      }
      long length = end - start + 1;
      h.put(HttpHeader.CONTENT_LENGTH, length);
      if (head || length == 0) {
        response.write(true, null, callback);
        return;
      }
      try (OutputStream out = Content.Sink.asOutputStream(response)) {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long pos = start;
        long left = length;
        while (left > 0) {
          buf.clear().limit((int) Math.min(BUFFER, left));
          int n = ch.read(buf, pos);
          if (n < 0) {
            break; // truncated meanwhile: the client sees a short body, not made-up bytes
          }
          out.write(buf.array(), 0, n);
          pos += n;
          left -= n;
        }
      } catch (IOException e) {
        callback.failed(e);
        return;
      }
      callback.succeeded();
    }
  }

  private static final long[] UNSATISFIABLE = new long[0];

  /**
   * One range of {@code Range: bytes=a-b | a- | -n} clipped to the file, {@link #UNSATISFIABLE}, or
   * null when the header is to be ignored (malformed, another unit, several ranges: the whole file
   * is a valid answer to those).
   */
  static long[] parseRange(String header, long size) {
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (spec.contains(",") || dash < 0) {
      return null;
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) {
        long n = Long.parseLong(b);
        if (n < 0) {
          return null;
        }
        if (n == 0 || size == 0) {
          return UNSATISFIABLE;
        }
        return new long[] {Math.max(0, size - n), size - 1};
      }
      long s = Long.parseLong(a);
      long e = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
      if (s < 0 || e < s) {
        return null;
      }
      if (s >= size) {
        return UNSATISFIABLE;
      }
      return new long[] {s, Math.min(e, size - 1)};
    } catch (NumberFormatException ex) {
      return null;
    }
  }

  /** If-Range: a strong ETag that equals ours, or exactly our Last-Modified date (RFC 9110 13.1.5). */
  static boolean ifRangeHolds(String value, String etag, Instant mtime) {
    if (value.startsWith("\"")) {
      return value.equals(etag);
    }
    if (value.startsWith("W/")) {
      return false;
    }
    try {
      Instant d =
          ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return d.getEpochSecond() == mtime.getEpochSecond();
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** {@code attachment} with an ASCII fallback and the exact name in RFC 5987 form (RFC 6266). */
  static String attachment(String name) {
    StringBuilder ascii = new StringBuilder();
    StringBuilder ext = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      ascii.append(ch < 0x20 || ch > 0x7e ? '_' : ch == '"' || ch == '\\' ? '_' : ch);
    }
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int v = b & 0xff;
      if ((v >= 'a' && v <= 'z')
          || (v >= 'A' && v <= 'Z')
          || (v >= '0' && v <= '9')
          || "!#$&+-.^_`|~".indexOf(v) >= 0) {
        ext.append((char) v);
      } else {
        ext.append('%').append(String.format(Locale.ROOT, "%02X", v));
      }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + ext;
  }

  /** A zip of {@code dir}, written while walking it: no temp file, symlinks not followed. */
  private static void zip(Path dir, String name, boolean head, Response response, Callback callback)
      throws IOException {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
    response.getHeaders().put("Content-Disposition", attachment(name));
    if (head) {
      response.write(true, null, callback);
      return;
    }
    try (ZipOutputStream zip = new ZipOutputStream(
        new BufferedOutputStream(Content.Sink.asOutputStream(response), 64 * 1024))) {
      // throughput over ratio: data sets are often compressed already
      zip.setLevel(Deflater.BEST_SPEED);
      Files.walkFileTree(
          dir, EnumSet.noneOf(java.nio.file.FileVisitOption.class), 256, new FileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a)
                throws IOException {
              if (!d.equals(dir)) {
                ZipEntry e = new ZipEntry(entryName(dir, d) + "/");
                e.setLastModifiedTime(a.lastModifiedTime());
                zip.putNextEntry(e);
                zip.closeEntry();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
              // symlinks (to anything) and special files are left out: nothing outside is read
              if (a.isRegularFile()) {
                ZipEntry e = new ZipEntry(entryName(dir, file));
                e.setLastModifiedTime(a.lastModifiedTime());
                zip.putNextEntry(e);
                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                  in.transferTo(zip);
                }
                zip.closeEntry();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // vanished or unreadable: left out
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    callback.succeeded();
  }

  private static String entryName(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  // ---------------------------------------------------------------------------------------------

  private static String token(Request request) {
    String t = Request.extractQueryParameters(request).getValue("token");
    if (t == null) {
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        t = auth.substring(7).trim();
      }
    }
    return t;
  }

  /**
   * A problem+json answer. An unread request body is drained first (bounded), so that the client,
   * still sending, reads the answer instead of a reset; past the bound the connection closes.
   */
  private void answer(Request request, Response response, Callback callback, ApiException e) {
    if (response.isCommitted()) {
      callback.failed(e);
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("type", Problems.PREFIX + e.type());
    o.addProperty("title", e.title());
    if (e.msg() != null) {
      o.addProperty("msg", e.msg());
    }
    byte[] b = o.toString().getBytes(StandardCharsets.UTF_8);
    response.setStatus(e.status());
    var h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    h.put(HttpHeader.CONTENT_LENGTH, b.length);
    if (e.status() == 412) {
      h.put("Tus-Version", TUS);
    }
    if (request.getMethod().equals("PATCH") && !drained(request)) {
      h.put(HttpHeader.CONNECTION, "close");
    }
    response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(b), callback);
  }

  private boolean drained(Request request) {
    if (request.getLength() > DRAIN_LIMIT) {
      return false;
    }
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long idle = endPoint.getIdleTimeout();
    endPoint.setIdleTimeout(proxy.bodyIdleTimeout.toMillis());
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total > DRAIN_LIMIT) {
          return false;
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      endPoint.setIdleTimeout(idle);
    }
  }
}
