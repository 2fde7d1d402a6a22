package ai.backend.client.internal;

import ai.backend.client.CancelToken;
import ai.backend.client.ProgressListener;
import ai.backend.client.TransferOptions;
import ai.backend.client.TransferResult;
import ai.backend.client.VFolderFile;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.errors.ServerException;
import ai.backend.client.errors.TransferVerificationException;
import ai.backend.client.errors.UnsafeDownloadException;
import ai.backend.client.internal.files.Globs;
import ai.backend.client.internal.files.GzipParts;
import ai.backend.client.internal.files.MalformedMultipartException;
import ai.backend.client.internal.files.MultipartForm;
import ai.backend.client.internal.files.MultipartMixedReader;
import ai.backend.client.internal.files.RangeDownload;
import ai.backend.client.internal.files.RemotePaths;
import ai.backend.client.internal.files.RemoteTimes;
import ai.backend.client.internal.files.Retry;
import ai.backend.client.internal.files.SentDigest;
import ai.backend.client.internal.files.TusUpload;
import ai.backend.client.internal.files.UploadState;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.HttpRequest;
import ai.backend.client.port.HttpResponse;
import ai.backend.client.port.RequestBody;
import ai.backend.client.port.TransportException;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Folder uploads and downloads, by the negotiated version: the v4 direct routes (multipart upload,
 * {@code multipart/mixed} gzip download; spec §9.1) or the storage-proxy flow (request-upload then tus
 * 1.0.0, request-download then {@code GET} with {@code Range}; spec §9.2). Files stream from and to
 * disk in 64 KiB pieces, so memory use does not grow with their size. Blocking; the async API runs these
 * on a worker and cancels through the {@link CancelToken}.
 */
public final class VFolderTransfers {
  /** The most one tus PATCH carries, so that no single request outlasts a read timeout by far. */
  static final long PATCH_CHUNK = 256L * 1024 * 1024;

  private static final int BUFFER = 64 * 1024;

  private final ApiCore core;
  private final Sleeper sleeper;
  private final long patchChunk;

  public VFolderTransfers(ApiCore core) {
    this(core, Sleeper.system(), PATCH_CHUNK);
  }

  VFolderTransfers(ApiCore core, Sleeper sleeper, long patchChunk) {
    this.core = core;
    this.sleeper = sleeper;
    this.patchChunk = patchChunk;
  }

  private Dialect dialect() {
    return core.dialect();
  }

  // --- public entry points ---------------------------------------------------------------------

  public TransferResult upload(String folder, Path local, String remote, TransferOptions o) {
    String target = remotePath(remote);
    if (target.equals(".")) {
      throw new InvalidArgumentException("an upload needs a target path inside the folder");
    }
    long size = regularFileSize(local);
    Ctl ctl = new Ctl(o, size);
    try (ctl) {
      TransferResult r = uploadOne(folder, local, target, size, ctl, 0);
      return verified(r, o);
    }
  }

  public TransferResult download(String folder, String remote, Path local, TransferOptions o) {
    String source = remotePath(remote);
    checkTarget(local, o);
    Ctl ctl = new Ctl(o, -1);
    try (ctl) {
      return downloadOne(folder, source, local, -1, ctl, 0, o);
    }
  }

  public List<TransferResult> uploadDirectory(
      String folder, Path localDir, String remoteDir, TransferOptions o) {
    String base = remotePath(remoteDir);
    if (!Files.isDirectory(localDir)) {
      throw new InvalidArgumentException("not a directory: " + localDir);
    }
    Globs globs = globs(o);
    List<String> dirs = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    long total = 0;
    try (Stream<Path> walk = Files.walk(localDir)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        if (p.equals(localDir)) {
          continue;
        }
        String rel = RemotePaths.relative(localDir, p);
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isDirectory()) {
          if (globs.entersDirectory(rel)) {
            dirs.add(rel);
          }
        } else if (a.isRegularFile() && globs.accepts(rel) && enteredAll(globs, rel)) {
          files.add(p);
          total += a.size();
        } // symlinks and special files are not followed: a link could lead anywhere
      }
    } catch (IOException e) {
      throw new BackendIoException("cannot read " + localDir + ": " + e.getMessage(), e);
    }
    Ctl ctl = new Ctl(o, total);
    try (ctl) {
      if (!dialect().isLegacyKernelApi()) {
        // v4's upload creates the parents of the files it writes; current servers want mkdir
        if (!base.equals(".")) {
          core.call(VFolderWire.mkdir(dialect(), folder, base));
        }
        for (String d : dirs) {
          ctl.checkCancelled();
          core.call(VFolderWire.mkdir(dialect(), folder, RemotePaths.join(base, d)));
        }
      }
      List<TransferResult> out = new ArrayList<>();
      long done = 0;
      for (Path f : files) {
        String target = RemotePaths.join(base, RemotePaths.relative(localDir, f));
        long size = regularFileSize(f);
        out.add(uploadOne(folder, f, target, size, ctl, done));
        done += size;
      }
      return List.copyOf(out);
    }
  }

  public List<TransferResult> downloadDirectory(
      String folder, String remoteDir, Path localDir, TransferOptions o) {
    String base = remotePath(remoteDir);
    Globs globs = globs(o);
    List<Listed> files = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    walkRemote(folder, base, "", globs, files, dirs);
    long total = 0;
    for (Listed f : files) {
      total += f.size();
    }
    Ctl ctl = new Ctl(o, total);
    try (ctl) {
      Path root = localDir.toAbsolutePath().normalize();
      try {
        Files.createDirectories(root);
        for (String d : dirs) {
          Files.createDirectories(RemotePaths.local(root, d));
        }
      } catch (IOException e) {
        throw new BackendIoException("cannot create " + e.getMessage(), e);
      }
      List<TransferResult> out = new ArrayList<>();
      long done = 0;
      for (Listed f : files) {
        Path local = RemotePaths.local(root, f.path());
        String remote = RemotePaths.join(base, f.path());
        TransferResult r = o.overwrite() ? null : alreadyComplete(remote, local, f);
        if (r == null) {
          checkTarget(local, o);
          r = downloadOne(folder, remote, local, f.size(), ctl, done, null);
          stamp(local, f.modified());
        } else {
          ctl.checkCancelled();
        }
        out.add(r);
        done += f.size();
        ctl.progress(done);
      }
      return List.copyOf(out);
    }
  }

  private void walkRemote(
      String folder, String base, String rel, Globs globs, List<Listed> files, List<String> dirs) {
    String dir = rel.isEmpty() ? base : RemotePaths.join(base, rel);
    for (VFolderFile f : core.call(VFolderWire.ls(dialect(), folder, dir))) {
      String name = f.name();
      if (name == null
          || name.isEmpty()
          || name.equals(".")
          || name.equals("..")
          || name.contains("/")
          || name.contains("\\")
          || name.indexOf('\0') >= 0) {
        throw new UnsafeDownloadException(
            String.valueOf(name),
            "refused the listed name '" + name + "' in " + dir + ": not a plain file name",
            null);
      }
      String child = rel.isEmpty() ? name : rel + "/" + name;
      if (f.directory()) {
        if (globs.entersDirectory(child)) {
          dirs.add(child);
          walkRemote(folder, base, child, globs, files, dirs);
        }
      } else if (globs.accepts(child)) {
        files.add(new Listed(child, f.size(), RemoteTimes.parse(f.modified())));
      }
    }
  }

  /** A file of a remote tree to download: its path below the tree, size and mtime (or null). */
  private record Listed(String path, long size, java.time.Instant modified) {}

  /**
   * The result for a local file that a directory download need not fetch, because it provably is
   * the remote one: a regular file (not a link) of the listed size whose mtime is the listed one,
   * which only a completed download stamps ({@link #stamp}). Null when it is not (or the server
   * lists no time): the caller then refuses to replace it without overwrite, as before.
   */
  private static TransferResult alreadyComplete(String remote, Path local, Listed f) {
    if (f.modified() == null) {
      return null;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(local, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null; // absent (or unreadable: the download reports it)
    }
    if (!a.isRegularFile()
        || a.size() != f.size()
        || !RemoteTimes.same(a.lastModifiedTime().toInstant(), f.modified())) {
      return null;
    }
    MessageDigest md = GzipParts.sha256();
    try (InputStream in = Files.newInputStream(local, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new BackendIoException("cannot read " + local + ": " + e.getMessage(), e);
    }
    return new TransferResult(remote, local, a.size(), hex(md.digest()), 0, false, true);
  }

  /** Gives a downloaded file the remote mtime, by which a later run knows it is complete. */
  private static void stamp(Path local, java.time.Instant modified) {
    if (modified == null) {
      return;
    }
    try {
      Files.setLastModifiedTime(local, FileTime.from(modified));
    } catch (IOException e) {
      throw new BackendIoException("cannot set the modification time of " + local, e);
    }
  }

  private static boolean enteredAll(Globs globs, String rel) {
    int slash = rel.lastIndexOf('/');
    return slash < 0 || globs.entersDirectory(rel.substring(0, slash));
  }

  // --- one file --------------------------------------------------------------------------------

  private TransferResult uploadOne(
      String folder, Path local, String target, long size, Ctl ctl, long base) {
    FileTime mtime = modified(local);
    SentDigest digest = new SentDigest(local);
    TransferResult r = dialect().vfolderViaStorageProxy()
        ? uploadTus(folder, local, target, size, ctl, base, digest)
        : uploadV4(folder, local, target, size, ctl, base, digest);
    if (regularFileSize(local) != size || !modified(local).equals(mtime)) {
      throw new TransferVerificationException(local + " changed while it was being uploaded");
    }
    return r;
  }

  private TransferResult uploadTus(
      String folder, Path local, String target, long size, Ctl ctl, long base, SentDigest digest) {
    UploadState state = uploadState(folder, target, local, size, ctl);
    UploadState.Saved saved = state == null ? null : state.load();
    int resumed = 0;
    if (saved != null) {
      // a record from an earlier call: go on with its upload if the server still knows it
      try {
        long at = tusServer(uriOf(saved.url(), saved.token()), size, ctl, base, digest)
            .offset();
        if (at > size) {
          throw new MalformedResponseException("the server holds more than the file", 200, null);
        }
        resumed = 1;
      } catch (IOException e) {
        resumed = 1; // unreachable for now: the retries below ask again
      } catch (BackendException | JsonParseException e) {
        if (e instanceof BackendIoException) {
          throw e;
        }
        saved = null; // expired token, terminated or foreign upload: start afresh
        state.delete();
      }
    }
    if (saved == null) {
      Map<String, Object> body = Map.of("path", target, "size", size);
      Ticket t = core.call(ticket(folder, "request-upload", body));
      saved = new UploadState.Saved(t.url(), t.token());
      if (state != null) {
        try {
          state.save(saved);
        } catch (IOException e) {
          state = null; // cannot record: this call still resumes within itself
        }
      }
    }
    TusUpload.Server server = tusServer(uriOf(saved.url(), saved.token()), size, ctl, base, digest);
    TusUpload.Outcome out;
    try {
      if (size == 0) {
        server.append(0); // an empty upload is completed by an empty PATCH
      }
      out = TusUpload.run(server, size, ctl.retry, sleeper, ctl::cancelled);
    } catch (IOException e) {
      throw ctl.failed("upload of " + local + " to " + folder + ":" + target, e);
    }
    if (state != null) {
      state.delete();
    }
    ctl.progress(base + size);
    return new TransferResult(
        target, local, size, hex(finish(digest, local, size)), out.resumes() + resumed, false);
  }

  /** The record of this upload for later calls, or null when not kept (resume off, no state dir). */
  private UploadState uploadState(String folder, String target, Path local, long size, Ctl ctl) {
    TransferOptions o = ctl.options;
    if (!o.resume() || o.stateDir() == null) {
      return null;
    }
    if (ctl.recordFolder == null) {
      ctl.recordFolder = recordFolder(folder);
    }
    return UploadState.of(
        o.stateDir(),
        core.config().endpoint().toString(),
        core.config().accessKey(),
        ctl.recordFolder,
        target,
        local,
        size,
        modified(local));
  }

  /**
   * The folder as an upload record names it: by its id where the server has ids, so that the name
   * and the id of a folder find the same record, and a folder that later takes the name of a renamed
   * or deleted one does not find its record (whose token would write into the old folder). Every
   * version's {@code GET /folders/{name}} answers the id ({@code _/id} only came with 24.03); v4 keeps
   * no records (its uploads are one request) and so keeps the name.
   */
  private String recordFolder(String folder) {
    if (!dialect().vfolderViaStorageProxy()) {
      return "name:" + folder;
    }
    String id = core.call(VFolderWire.info(dialect(), folder)).id();
    if (id == null || id.isBlank()) {
      return "name:" + folder; // a server that names no id: as before
    }
    return "id:" + id.replace("-", "").toLowerCase(java.util.Locale.ROOT);
  }

  private TusUpload.Server tusServer(URI uri, long size, Ctl ctl, long base, SentDigest digest) {
    return new TusUpload.Server() {
      @Override
      public long offset() throws IOException {
        try (HttpResponse r = send(
            ctl,
            HttpRequest.of("HEAD", uri).withHeaders(HttpHeaders.of("Tus-Resumable", "1.0.0")))) {
          expectSuccess(r, "HEAD", uri);
          return offsetOf(r, uri);
        }
      }

      @Override
      public long append(long offset) throws IOException {
        long n = Math.min(patchChunk, size - offset);
        digest.catchUp(offset);
        RequestBody content = RequestBody.ofStream(
            () -> ctl.watch(digest.stream(offset, n), base + offset),
            n,
            "application/offset+octet-stream");
        HttpRequest patch = new HttpRequest(
            "PATCH",
            uri,
            HttpHeaders.builder()
                .set("Tus-Resumable", "1.0.0")
                .set("Upload-Offset", Long.toString(offset))
                .build(),
            content,
            null);
        try (HttpResponse r = send(ctl, patch)) {
          if (r.status() == 409) {
            throw new TusUpload.OffsetConflictException(
                "the storage proxy's offset is not " + offset);
          }
          expectSuccess(r, "PATCH", uri);
          return offsetOf(r, uri);
        }
      }
    };
  }

  private TransferResult uploadV4(
      String folder, Path local, String target, long size, Ctl ctl, long base, SentDigest digest) {
    int failures = 0;
    int resumes = 0;
    while (true) {
      ctl.checkCancelled();
      SentDigest attempt = new SentDigest(local);
      RequestBody content = RequestBody.ofStream(
          () -> ctl.watch(attempt.stream(0, size), base), size, "application/octet-stream");
      ApiRequest request = ApiRequest.builder("POST", VFolderWire.path(folder, "upload"))
          .body(MultipartForm.encode(List.of(new MultipartForm.Part("file", target, content))))
          .callTimeout(java.time.Duration.ZERO)
          .build();
      try {
        core.call(request, Handlers.discard());
        digest.adopt(attempt);
        break;
      } catch (BackendIoException e) {
        if (ctl.cancelled()) {
          throw ctl.cancelledError(e);
        }
        failures++;
        if (!ctl.retry.allows(failures)) {
          throw e;
        }
        pause(ctl, failures, e);
        resumes++;
      }
    }
    verifyRemoteSize(folder, target, size);
    ctl.progress(base + size);
    return new TransferResult(
        target, local, size, hex(finish(digest, local, size)), resumes, false);
  }

  /** v4 reports nothing about an upload: the listing of the parent shows what arrived. */
  private void verifyRemoteSize(String folder, String target, long size) {
    int slash = target.lastIndexOf('/');
    String parent = slash < 0 ? "." : target.substring(0, slash);
    String name = target.substring(slash + 1);
    for (VFolderFile f : core.call(VFolderWire.ls(dialect(), folder, parent))) {
      if (name.equals(f.name())) {
        if (f.size() != size) {
          throw new TransferVerificationException("the server holds " + f.size() + " bytes of "
              + folder + ":" + target + ", " + size + " were sent");
        }
        return;
      }
    }
    throw new TransferVerificationException(
        "the server does not list " + folder + ":" + target + " after the upload");
  }

  private TransferResult downloadOne(
      String folder,
      String source,
      Path local,
      long knownSize,
      Ctl ctl,
      long base,
      TransferOptions single) {
    try {
      Path parent = local.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new BackendIoException("cannot create the directory of " + local, e);
    }
    TransferResult r = dialect().vfolderViaStorageProxy()
        ? downloadRange(folder, source, local, ctl, base, single)
        : downloadV4(folder, source, local, ctl, base, single);
    if (knownSize >= 0 && r.bytes() != knownSize) {
      throw new TransferVerificationException("received " + r.bytes() + " bytes of " + folder + ":"
          + source + ", listed with " + knownSize);
    }
    return r;
  }

  private TransferResult downloadRange(
      String folder, String source, Path local, Ctl ctl, long base, TransferOptions single) {
    Map<String, Object> body = Map.of("path", source, "archive", false);
    Ticket t = core.call(ticket(folder, "request-download", body));
    URI uri = uriOf(t.url(), t.token());
    Path part = local.resolveSibling(local.getFileName() + ".part");
    MessageDigest md = GzipParts.sha256();
    RangeDownload.Source src = (from, validator) -> {
      HttpHeaders.Builder h = HttpHeaders.builder();
      if (from > 0) {
        h.set("Range", "bytes=" + from + "-");
        if (validator != null) {
          h.set("If-Range", validator);
        }
      }
      HttpResponse r = send(ctl, HttpRequest.of("GET", uri).withHeaders(h.build()));
      int s = r.status();
      if (s != 200 && s != 206 && s != 416) {
        try (r) {
          expectSuccess(r, "GET", uri);
        }
      }
      ctl.current.set(r);
      String etag = r.headers().firstValue("ETag").orElse(null);
      return new RangeDownload.Reply(
          s,
          r.headers().firstValue("Content-Length").map(Long::parseLong).orElse(-1L),
          r.headers().firstValue("Content-Range").orElse(null),
          etag != null ? etag : r.headers().firstValue("Last-Modified").orElse(null),
          closing(ctl.watch(r.body(), -1), r));
    };
    RangeDownload.Outcome out;
    try {
      out = RangeDownload.run(
          src, part, ctl.retry, sleeper, ctl::cancelled, (n, total) -> ctl.progress(base + n), md);
    } catch (IOException e) {
      throw ctl.failed("download of " + folder + ":" + source + " to " + local, e);
    }
    String sha = hex(md.digest());
    boolean verified = checkDigest(single, sha, folder + ":" + source, part);
    place(part, local, ctl.options.overwrite());
    return new TransferResult(source, local, out.size(), sha, out.resumes(), verified);
  }

  private TransferResult downloadV4(
      String folder, String source, Path local, Ctl ctl, long base, TransferOptions single) {
    String name = RemotePaths.name(source);
    int failures = 0;
    int resumes = 0;
    while (true) {
      ctl.checkCancelled();
      ApiRequest request = ApiRequest.builder("GET", VFolderWire.path(folder, "download"))
          .jsonBody(Map.of("files", List.of(source)))
          .callTimeout(java.time.Duration.ZERO)
          .build();
      Path tmpDir = null;
      try (HttpResponse r = core.open(request)) {
        ctl.current.set(r);
        long announced = r.headers()
            .firstValue("X-TOTAL-PAYLOADS-LENGTH")
            .map(Long::parseLong)
            .orElse(-1L);
        String type = r.headers().firstValue("Content-Type").orElse(null);
        MultipartMixedReader reader = new MultipartMixedReader(type, ctl.watch(r.body(), -1));
        // parts go to a scratch directory first: only a complete, verified file replaces `local`
        tmpDir = Files.createTempDirectory(local.toAbsolutePath().getParent(), ".vfolder-");
        Path scratch = tmpDir;
        List<GzipParts.Saved> saved = GzipParts.save(
            reader,
            filename -> {
              if (!filename.equals(name)) {
                throw new UnsafeDownloadException(
                    filename,
                    "the server sent '" + filename + "' when asked for '" + source + "'",
                    null);
              }
              return scratch.resolve("file");
            },
            n -> ctl.progress(base + n));
        if (saved.size() != 1) {
          throw new MalformedResponseException(
              "the download of " + source + " held " + saved.size() + " files", r.status(), null);
        }
        GzipParts.Saved s = saved.get(0);
        if (announced >= 0 && announced != s.size()) {
          throw new TransferVerificationException("received " + s.size() + " bytes of " + folder
              + ":" + source + ", the server announced " + announced);
        }
        String sha = hex(s.sha256());
        boolean verified = checkDigest(single, sha, folder + ":" + source, s.path());
        place(s.path(), local, ctl.options.overwrite());
        return new TransferResult(source, local, s.size(), sha, resumes, verified);
      } catch (MalformedMultipartException e) {
        throw new MalformedResponseException("malformed download: " + e.getMessage(), 200, e);
      } catch (IOException | BackendIoException e) {
        if (ctl.cancelled() || e instanceof IOException io && TusUpload.isInterrupt(io)) {
          throw ctl.cancelledError(e);
        }
        failures++;
        if (!ctl.retry.allows(failures)) {
          throw e instanceof BackendIoException b
              ? b
              : new BackendIoException(
                  "download of " + folder + ":" + source + " failed: " + e.getMessage(),
                  new TransportException(TransportException.Kind.IO, e.getMessage(), e));
        }
        pause(ctl, failures, e);
        resumes++; // v4 has no ranges: the file comes again from its start
      } finally {
        deleteTree(tmpDir);
      }
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private record Ticket(String token, String url) {}

  /**
   * The storage proxy's URL with the token, after the configured overrides (the manager names the
   * proxy as the cluster reaches it).
   */
  private URI uriOf(String url, String token) {
    if (url == null || token == null) {
      throw new JsonParseException("no token or url in the transfer ticket");
    }
    String u = core.config().overrideStorageProxy(url);
    String sep = u.contains("?") ? "&" : "?";
    return URI.create(u + sep + "token=" + UriBuilder.encode(token));
  }

  private Endpoint<Ticket> ticket(String folder, String action, Map<String, Object> body) {
    return new Endpoint<>(ApiRequest.postJson(VFolderWire.path(folder, action), body), r -> {
      JsonObject o = VFolderWire.jsonObject(r);
      return new Ticket(Json.string(o, "token"), Json.string(o, "url"));
    });
  }

  /** Sends to the storage proxy; a failure to get an answer is an IOException for the retry loops. */
  private HttpResponse send(Ctl ctl, HttpRequest request) throws IOException {
    try {
      return core.sendExternal(request);
    } catch (TransportException e) {
      if (e.kind() == TransportException.Kind.CANCELLED || ctl.cancelled()) {
        InterruptedIOException c = new InterruptedIOException("transfer cancelled");
        c.initCause(e);
        throw c;
      }
      throw new IOException(e.getMessage(), e);
    }
  }

  /** 5xx → IOException (retried); other errors → the typed exception (not retried). */
  private void expectSuccess(HttpResponse r, String method, URI uri) throws IOException {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return;
    }
    BackendApiException e = core.errorOf(method, uri.getRawPath(), r);
    if (e instanceof ServerException || s == 502 || s == 503 || s == 504) {
      throw new IOException("the storage proxy answered " + s, e);
    }
    throw e;
  }

  /** The body, whose close also releases its response (the connection). */
  private static InputStream closing(InputStream body, HttpResponse response) {
    return new FilterInputStream(body) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          response.close();
        }
      }
    };
  }

  private static long offsetOf(HttpResponse r, URI uri) throws IOException {
    String v = r.headers().firstValue("Upload-Offset").orElse(null);
    if (v == null) {
      throw new MalformedResponseException(
          "the storage proxy sent no Upload-Offset (" + uri.getRawPath() + ")", r.status(), null);
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw new MalformedResponseException("bad Upload-Offset: " + v, r.status(), e);
    }
  }

  private void pause(Ctl ctl, int failures, Exception cause) {
    try {
      sleeper.sleep(ctl.retry.backoff(failures));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ctl.cancelledError(cause);
    }
  }

  private static boolean checkDigest(TransferOptions single, String sha, String what, Path file) {
    if (single == null || single.expectedSha256() == null) {
      return false;
    }
    if (!single.expectedSha256().equals(sha)) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // the mismatch is what matters
      }
      throw new TransferVerificationException(
          "SHA-256 of " + what + " is " + sha + ", expected " + single.expectedSha256());
    }
    return true;
  }

  private static TransferResult verified(TransferResult r, TransferOptions o) {
    if (o.expectedSha256() == null) {
      return r;
    }
    if (!o.expectedSha256().equals(r.sha256())) {
      throw new TransferVerificationException("SHA-256 of " + r.localPath() + " as sent is "
          + r.sha256() + ", expected " + o.expectedSha256());
    }
    return new TransferResult(
        r.remotePath(), r.localPath(), r.bytes(), r.sha256(), r.resumes(), true);
  }

  /** Moves a complete, verified download into place; refuses to replace a file unless asked to. */
  private static void place(Path from, Path to, boolean overwrite) {
    if (!overwrite && Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException(
          to + " appeared during the download (set overwrite to replace it)");
    }
    try {
      try {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new BackendIoException("cannot move the download into " + to, e);
    }
  }

  private static void checkTarget(Path local, TransferOptions o) {
    if (Files.isDirectory(local)) {
      throw new InvalidArgumentException(local + " is a directory");
    }
    if (!o.overwrite() && Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException(local + " exists (set overwrite to replace it)");
    }
  }

  private static String remotePath(String p) {
    return VFolderWire.folderPath(p);
  }

  private static Globs globs(TransferOptions o) {
    try {
      return Globs.of(o.include(), o.exclude());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(e.getMessage(), e);
    }
  }

  private static long regularFileSize(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw new InvalidArgumentException("not a regular file: " + p);
      }
      return a.size();
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static byte[] finish(SentDigest digest, Path local, long size) {
    try {
      return digest.finish(size);
    } catch (IOException e) {
      throw new BackendIoException("cannot read " + local + ": " + e.getMessage(), e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a scratch directory left behind is harmless
    }
  }

  /** Per-transfer state: options, the retry budget, progress and the cancellation plumbing. */
  private static final class Ctl implements AutoCloseable {
    final TransferOptions options;
    final Retry retry;
    final long total;
    final ProgressListener listener;
    final CancelToken token;
    final AutoCloseable registration;
    final AtomicReference<HttpResponse> current = new AtomicReference<>();
    /** How upload records name the folder, resolved once per call ({@link #recordFolder}). */
    String recordFolder;

    Ctl(TransferOptions o, long total) {
      this.options = java.util.Objects.requireNonNull(o, "options");
      this.retry = new Retry(o.resume(), o.maxRetries(), o.initialBackoff(), o.maxBackoff());
      this.total = total;
      this.listener = o.progress();
      this.token = o.cancelToken();
      this.registration = token == null
          ? null
          : token.onCancel(() -> {
            HttpResponse r = current.get();
            if (r != null) {
              r.close(); // wakes a read blocked on the body
            }
          });
    }

    boolean cancelled() {
      return token != null && token.isCancelled() || Thread.currentThread().isInterrupted();
    }

    void checkCancelled() {
      if (cancelled()) {
        throw cancelledError(null);
      }
    }

    void progress(long done) {
      listener.onProgress(done, total);
    }

    BackendIoException cancelledError(Throwable cause) {
      return new BackendIoException(
          "the transfer was cancelled",
          new TransportException(TransportException.Kind.CANCELLED, "cancelled", cause));
    }

    BackendException failed(String what, IOException e) {
      if (e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException)
          || cancelled()) {
        return cancelledError(e);
      }
      if (e.getCause() instanceof BackendException b) {
        return b;
      }
      TransportException.Kind kind =
          e.getCause() instanceof TransportException te ? te.kind() : TransportException.Kind.IO;
      return new BackendIoException(
          what + " failed" + (retry.resume() ? " after " + retry.maxRetries() + " retries" : "")
              + ": " + e.getMessage(),
          new TransportException(kind, e.getMessage(), e));
    }

    /** Counts progress and stops reading once cancelled. */
    InputStream watch(InputStream in, long base) {
      return new FilterInputStream(in) {
        long n;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (cancelled()) {
            throw new InterruptedIOException("transfer cancelled");
          }
          int r = super.read(b, off, len);
          if (r > 0 && base >= 0) {
            n += r;
            progress(base + n);
          }
          return r;
        }
      };
    }

    @Override
    public void close() {
      if (registration != null) {
        try {
          registration.close();
        } catch (Exception ignored) {
          // removing a list entry does not fail
        }
      }
    }
  }
}
