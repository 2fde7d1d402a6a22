package ai.backend.local.api;

import ai.backend.local.folders.Folder;
import ai.backend.local.folders.FolderException;
import ai.backend.local.folders.FolderPaths;
import ai.backend.local.folders.FolderStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.io.Content;

/**
 * The {@code /folders} routes (spec §9.1 v4, §9.2 current, without the storage-proxy transfers):
 * folder life cycle, trash bin, file operations, v4 multipart upload and {@code multipart/mixed}
 * download, invitations and the discovery routes. Every folder belongs to one access key; every client
 * path is confined to its folder ({@link FolderPaths}).
 */
public final class FolderApi {
  /** Most file parts of one v4 upload (the manager's limit). */
  static final int MAX_UPLOAD_FILES = 10;

  static final int MAX_MKDIR_PATHS = 50;

  private final FolderStore store;
  private final SecureRandom random = new SecureRandom();

  public FolderApi(FolderStore store) {
    this.store = store;
  }

  public void register(Router r) {
    for (Dialect d : Dialect.values()) {
      r.add("GET", "/folders/_/hosts", d, this::hosts);
      r.add("GET", "/folders/_/all_hosts", d, this::allHosts);
      r.add("GET", "/folders/_/all-hosts", d, this::allHosts);
      r.add("GET", "/folders/_/allowed_types", d, this::allowedTypes);
      r.add("GET", "/folders/_/allowed-types", d, this::allowedTypes);
      r.add("GET", "/folders/invitations/list", d, this::invitations);
      r.add("POST", "/folders/invitations/accept", d, this::acceptInvitation);
      r.add("POST", "/folders/invitations/delete", d, this::deleteInvitation);
      r.add("DELETE", "/folders/invitations/delete", d, this::deleteInvitation);
      r.add("POST", "/folders", d, this::create);
      r.add("GET", "/folders", d, this::list);
      r.add("DELETE", "/folders/{name}/delete_files", d, this::deleteFiles);
      r.add("POST", "/folders/{name}/invite", d, this::invite);
    }
    Dialect v4 = Dialect.V4;
    r.add("GET", "/folders/{name}", v4, this::info);
    r.add("DELETE", "/folders/{name}", v4, this::deleteV4);
    r.add("POST", "/folders/{name}/mkdir", v4, this::mkdir);
    r.addStreaming("POST", "/folders/{name}/upload", v4, this::upload);
    r.add("GET", "/folders/{name}/download", v4, this::download);
    r.add("POST", "/folders/{name}/download", v4, this::download);
    r.add("GET", "/folders/{name}/files", v4, this::listFiles);

    Dialect cur = Dialect.CURRENT;
    r.add("GET", "/folders/_/id", cur, this::folderId);
    r.add("DELETE", "/folders", cur, this::trashById);
    r.add("POST", "/folders/purge", cur, this::purge);
    r.add("POST", "/folders/restore-from-trash-bin", cur, this::restore);
    r.add("POST", "/folders/delete-from-trash-bin", cur, this::purge);
    r.add("GET", "/folders/{name}", cur, this::info);
    r.add("DELETE", "/folders/{name}", cur, this::trashByName);
    r.add("POST", "/folders/{name}/rename", cur, this::rename);
    r.add("POST", "/folders/{name}/mkdir", cur, this::mkdir);
    r.add("POST", "/folders/{name}/rename-file", cur, this::renameFile);
    r.add("POST", "/folders/{name}/rename_file", cur, this::renameFile);
    r.add("POST", "/folders/{name}/move-file", cur, this::moveFile);
    r.add("POST", "/folders/{name}/delete-files", cur, this::deleteFiles);
    r.add("DELETE", "/folders/{name}/delete-files", cur, this::deleteFiles);
    r.add("GET", "/folders/{name}/files", cur, this::listFiles);
  }

  // ---- errors ----

  /** The problem a manager answers for {@code e} in {@code d}'s words. */
  static ApiException problem(FolderException e, Dialect d) {
    return switch (e.kind()) {
      case NOT_FOUND -> notFound(e.getMessage());
      case ALREADY_EXISTS ->
        d == Dialect.V4
            ? new ApiException(
                400,
                "vfolder-already-exists",
                "The virtual folder already exists with the same name.",
                e.getMessage(),
                null)
            // 25.x create answers a name clash as invalid parameters
            : Problems.invalidParams(e.getMessage());
      case INVALID -> Problems.invalidParams(e.getMessage());
      case BAD_STATUS ->
        new ApiException(
            400,
            "vfolder-filter-status-failed",
            "Virtual folder status filtering has failed.",
            e.getMessage(),
            null);
      case OPERATION_FAILED ->
        new ApiException(
            400,
            "vfolder-operation-failed",
            "Virtual folder operation has failed.",
            e.getMessage(),
            null);
      case READ_ONLY ->
        new ApiException(
            400,
            "vfolder-permission-error",
            "The virtual folder does not permit the specified permission.",
            e.getMessage(),
            null);
    };
  }

  /** 404 {@code vfolder-not-found}. */
  public static ApiException notFound(String msg) {
    return new ApiException(
        404, "vfolder-not-found", "Virtual folder not found.", msg, null, "vfolder_read_not-found");
  }

  private Folder folder(ApiCall call, String ref) throws ApiException {
    try {
      return store.find(call.accessKey(), ref);
    } catch (FolderException e) {
      throw problem(e, call.dialect());
    }
  }

  /** The folder of the {@code name} path parameter, not in the trash bin (file routes). */
  private Folder usable(ApiCall call) throws ApiException {
    Folder f = folder(call, call.path("name"));
    if (f.trashed()) {
      throw problem(
          new FolderException(
              FolderException.Kind.BAD_STATUS,
              "The folder " + f.name() + " is in the trash bin; restore it first."),
          call.dialect());
    }
    return f;
  }

  private Folder writable(ApiCall call) throws ApiException {
    Folder f = usable(call);
    if (!f.writable()) {
      throw problem(
          new FolderException(
              FolderException.Kind.READ_ONLY, "The folder " + f.name() + " is read-only."),
          call.dialect());
    }
    return f;
  }

  private interface FolderOp<T> {
    T run() throws FolderException, IOException;
  }

  private static <T> T op(ApiCall call, FolderOp<T> op) throws ApiException, IOException {
    try {
      return op.run();
    } catch (FolderException e) {
      throw problem(e, call.dialect());
    } catch (NoSuchFileException e) {
      throw problem(
          new FolderException(FolderException.Kind.OPERATION_FAILED, "No such file or directory."),
          call.dialect());
    }
  }

  private static String required(ApiCall call, String... names) throws ApiException {
    String v = call.str(names);
    if (v == null || v.isEmpty()) {
      throw Problems.invalidParams(names[0] + " is missing or empty!");
    }
    return v;
  }

  // ---- discovery ----

  HttpReply hosts(ApiCall call) {
    JsonObject o = new JsonObject();
    o.addProperty("default", FolderStore.HOST);
    JsonArray allowed = new JsonArray();
    allowed.add(FolderStore.HOST);
    o.add("allowed", allowed);
    if (call.dialect() == Dialect.CURRENT) {
      JsonObject vol = new JsonObject();
      vol.addProperty("backend", "vfs");
      JsonArray caps = new JsonArray();
      caps.add("vfolder");
      vol.add("capabilities", caps);
      vol.add("usage", new JsonObject());
      vol.add("sftp_scaling_groups", new JsonArray());
      JsonObject info = new JsonObject();
      info.add(FolderStore.HOST, vol);
      o.add("volume_info", info);
    }
    return HttpReply.json(200, o);
  }

  HttpReply allHosts(ApiCall call) {
    JsonObject o = new JsonObject();
    o.addProperty("default", FolderStore.HOST);
    JsonArray allowed = new JsonArray();
    allowed.add(FolderStore.HOST);
    o.add("allowed", allowed);
    return HttpReply.json(200, o);
  }

  HttpReply allowedTypes(ApiCall call) {
    JsonArray a = new JsonArray();
    a.add("user");
    return HttpReply.json(200, a);
  }

  HttpReply folderId(ApiCall call) throws ApiException {
    Folder f = folder(call, required(call, "name"));
    JsonObject o = new JsonObject();
    o.addProperty("id", f.id());
    o.addProperty("name", f.name());
    return HttpReply.json(200, o);
  }

  // ---- life cycle ----

  HttpReply create(ApiCall call) throws ApiException, IOException {
    String name = required(call, "name");
    String host = call.str("host", "folder_host");
    if (host != null && !host.isEmpty() && !host.equals(FolderStore.HOST)) {
      throw new ApiException(
          400,
          "vfolder-creation-failed",
          "Virtual folder creation failed.",
          "Invalid vfolder host " + host + ": this server has one host, " + FolderStore.HOST + ".",
          null);
    }
    String group = call.str("group", "groupId", "group_id");
    if (group != null && !group.isEmpty()) {
      throw new ApiException(
          400,
          "vfolder-creation-failed",
          "Virtual folder creation failed.",
          "Group folders are not supported by the local server (allowed types: user).",
          null);
    }
    if (call.str("unmanaged_path") != null) {
      throw Problems.invalidParams("unmanaged_path is not supported by the local server.");
    }
    String permission = call.str("permission", "perm");
    String usageMode = call.str("usage_mode", "usageMode");
    Folder f = op(call, () -> store.create(call.accessKey(), name, permission, usageMode));
    JsonObject o = new JsonObject();
    o.addProperty("id", f.id());
    o.addProperty("name", f.name());
    if (call.dialect() == Dialect.V4) {
      o.addProperty("host", f.host());
      return HttpReply.json(201, o);
    }
    o.addProperty("quota_scope_id", "user:" + SessionApi.Identity.userId(f.owner()));
    o.addProperty("host", f.host());
    o.addProperty("usage_mode", f.usageMode());
    o.addProperty("permission", f.permission());
    o.addProperty("max_size", 0);
    o.addProperty("creator", (String) null);
    o.addProperty("ownership_type", "user");
    o.addProperty("user", SessionApi.Identity.userId(f.owner()));
    o.addProperty("group", (String) null);
    o.addProperty("cloneable", false);
    o.addProperty("status", f.status());
    return HttpReply.json(201, o);
  }

  HttpReply list(ApiCall call) {
    JsonArray a = new JsonArray();
    for (Folder f : store.list(call.accessKey())) {
      JsonObject o = new JsonObject();
      o.addProperty("name", f.name());
      o.addProperty("id", f.id());
      if (call.dialect() == Dialect.V4) {
        if (f.trashed()) {
          continue; // v4 has no trash bin (a folder trashed by a newer client is gone for it)
        }
        o.addProperty("host", f.host());
        o.addProperty("is_owner", true);
        o.addProperty("permission", f.permission());
      } else {
        o.addProperty("quota_scope_id", "user:" + SessionApi.Identity.userId(f.owner()));
        o.addProperty("host", f.host());
        o.addProperty("status", f.status());
        o.addProperty("usage_mode", f.usageMode());
        o.addProperty("created_at", pyTime(f.createdAt()));
        o.addProperty("is_owner", true);
        o.addProperty("permission", f.permission());
        o.addProperty("user", SessionApi.Identity.userId(f.owner()));
        o.addProperty("group", (String) null);
        o.addProperty("creator", (String) null);
        o.addProperty("ownership_type", "user");
        o.addProperty("cloneable", false);
      }
      a.add(o);
    }
    return HttpReply.json(200, a);
  }

  HttpReply info(ApiCall call) throws ApiException, IOException {
    Folder f = folder(call, call.path("name"));
    if (call.dialect() == Dialect.V4 && f.trashed()) {
      throw notFound("No such folder: " + call.path("name"));
    }
    long[] usage = usage(store.root(f));
    JsonObject o = new JsonObject();
    o.addProperty("name", f.name());
    o.addProperty("id", f.id());
    o.addProperty("host", f.host());
    if (call.dialect() == Dialect.V4) {
      o.addProperty("numFiles", usage[0]);
      o.addProperty("created", pyTime(f.createdAt()));
      o.addProperty("is_owner", true);
      o.addProperty("permission", f.permission());
      return HttpReply.json(200, o);
    }
    o.addProperty("quota_scope_id", "user:" + SessionApi.Identity.userId(f.owner()));
    o.addProperty("status", f.status());
    o.addProperty("num_files", usage[0]);
    o.addProperty("used_bytes", usage[1]);
    o.addProperty("created_at", pyTime(f.createdAt()));
    o.addProperty("last_used", pyTime(f.createdAt()));
    o.addProperty("user", SessionApi.Identity.userId(f.owner()));
    o.addProperty("group", (String) null);
    o.addProperty("type", "user");
    o.addProperty("is_owner", true);
    o.addProperty("permission", f.permission());
    o.addProperty("usage_mode", f.usageMode());
    o.addProperty("cloneable", false);
    return HttpReply.json(200, o);
  }

  /** Files (not directories) and their total size, without following links. */
  static long[] usage(Path root) throws IOException {
    long[] u = new long[2];
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        u[0]++;
        u[1] += attrs.size();
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) {
        return FileVisitResult.CONTINUE; // deleted meanwhile, or unreadable: not counted
      }
    });
    return u;
  }

  /** {@code str(datetime)} as the manager renders it: {@code 2025-01-02 03:04:05.678901+00:00}. */
  static String pyTime(Instant t) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx")
        .format(t.atOffset(ZoneOffset.UTC));
  }

  HttpReply deleteV4(ApiCall call) throws ApiException, IOException {
    Folder f = folder(call, call.path("name"));
    op(call, () -> {
      store.delete(f);
      return null;
    });
    return HttpReply.noContent();
  }

  HttpReply trashByName(ApiCall call) throws ApiException, IOException {
    Folder f = folder(call, call.path("name"));
    op(call, () -> store.trash(f));
    return HttpReply.noContent();
  }

  HttpReply trashById(ApiCall call) throws ApiException, IOException {
    Folder f = folder(call, required(call, "id", "vfolderId", "vfolder_id"));
    op(call, () -> store.trash(f));
    return HttpReply.noContent();
  }

  /** {@code purge} and {@code delete-from-trash-bin}: a folder in the trash bin goes for good. */
  HttpReply purge(ApiCall call) throws ApiException, IOException {
    Folder f = folder(call, required(call, "id", "vfolderId", "vfolder_id"));
    if (!f.trashed()) {
      throw problem(
          new FolderException(
              FolderException.Kind.BAD_STATUS,
              "The folder " + f.name() + " is not in the trash bin; delete it first."),
          call.dialect());
    }
    op(call, () -> {
      store.delete(f);
      return null;
    });
    return HttpReply.noContent();
  }

  HttpReply restore(ApiCall call) throws ApiException, IOException {
    Folder f = folder(call, required(call, "id", "vfolderId", "vfolder_id"));
    op(call, () -> store.restore(f));
    return HttpReply.noContent();
  }

  HttpReply rename(ApiCall call) throws ApiException, IOException {
    Folder f = usable(call);
    String newName = required(call, "new_name", "newName");
    op(call, () -> store.rename(f, newName));
    return new HttpReply(201, null, new byte[0], java.util.Map.of(), null);
  }

  // ---- files ----

  HttpReply mkdir(ApiCall call) throws ApiException, IOException {
    Folder f = writable(call);
    Path root = store.root(f);
    if (call.dialect() == Dialect.V4) {
      String path = required(call, "path");
      op(call, () -> {
        FolderPaths.mkdir(root, path, true, false);
        return null;
      });
      return new HttpReply(201, null, new byte[0], java.util.Map.of(), null);
    }
    List<String> paths = call.list("path");
    if (paths.isEmpty()) {
      throw Problems.invalidParams("path is missing or empty!");
    }
    if (paths.size() > MAX_MKDIR_PATHS) {
      throw Problems.invalidParams("At most " + MAX_MKDIR_PATHS + " paths at once.");
    }
    boolean parents = call.bool(true, "parents");
    boolean existOk = call.bool(false, "exist_ok", "existOk");
    JsonArray ok = new JsonArray();
    JsonArray failed = new JsonArray();
    for (String p : paths) {
      JsonObject item = new JsonObject();
      item.addProperty("item", p);
      try {
        FolderPaths.mkdir(root, p, parents, existOk);
        item.add("msg", null);
        ok.add(item);
      } catch (FolderException | IOException e) {
        item.addProperty("msg", e instanceof FolderException ? e.getMessage() : "I/O error");
        failed.add(item);
      }
    }
    JsonObject results = new JsonObject();
    results.add("success", ok);
    results.add("failed", failed);
    JsonObject o = new JsonObject();
    o.add("results", results);
    return HttpReply.json(failed.isEmpty() ? 200 : ok.isEmpty() ? 422 : 207, o);
  }

  HttpReply renameFile(ApiCall call) throws ApiException, IOException {
    Folder f = writable(call);
    String target = required(call, "target_path", "targetPath");
    String newName = required(call, "new_name", "newName");
    op(call, () -> {
      FolderPaths.rename(store.root(f), target, newName);
      return null;
    });
    return HttpReply.json(200, new JsonObject());
  }

  HttpReply moveFile(ApiCall call) throws ApiException, IOException {
    Folder f = writable(call);
    String src = required(call, "src");
    String dst = required(call, "dst");
    op(call, () -> {
      FolderPaths.move(store.root(f), src, dst);
      return null;
    });
    return HttpReply.json(200, new JsonObject());
  }

  HttpReply deleteFiles(ApiCall call) throws ApiException, IOException {
    Folder f = writable(call);
    List<String> files = call.list("files");
    if (files.isEmpty()) {
      throw Problems.invalidParams("files is missing or empty!");
    }
    boolean recursive = call.bool(false, "recursive");
    Path root = store.root(f);
    op(call, () -> {
      for (String p : files) {
        FolderPaths.confineEntry(root, p); // all checked before anything is deleted
      }
      for (String p : files) {
        FolderPaths.delete(root, p, recursive);
      }
      return null;
    });
    return HttpReply.json(200, new JsonObject());
  }

  HttpReply listFiles(ApiCall call) throws ApiException, IOException {
    Folder f = usable(call);
    String rel = call.str("path");
    Path root = store.root(f);
    Path confined = op(call, () -> FolderPaths.confine(root, rel));
    // a link (session code may plant one) is listed through only while it stays in the folder
    Path dir = Files.isSymbolicLink(confined)
        ? op(call, () -> FolderPaths.insideTarget(root, confined, rel))
        : confined;
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw problem(
          new FolderException(FolderException.Kind.OPERATION_FAILED, "No such directory: " + rel),
          call.dialect());
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(entries::add);
    }
    entries.sort(null);
    JsonArray items = new JsonArray();
    for (Path e : entries) {
      PosixFileAttributes a;
      try {
        a = Files.readAttributes(e, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException gone) {
        continue;
      }
      JsonObject o = new JsonObject();
      if (call.dialect() == Dialect.V4) {
        o.addProperty("mode", FileApi.lsMode(a));
        o.addProperty("size", a.size());
        FileApi.addStatTimes(o, e, a);
        o.addProperty("filename", e.getFileName().toString());
      } else {
        o.addProperty("name", e.getFileName().toString());
        o.addProperty(
            "type", a.isSymbolicLink() ? "SYMLINK" : a.isDirectory() ? "DIRECTORY" : "FILE");
        o.addProperty("size", a.size());
        o.addProperty("mode", mode(e));
        o.addProperty("created", isoTime(a.creationTime().toInstant()));
        o.addProperty("modified", isoTime(a.lastModifiedTime().toInstant()));
      }
      items.add(o);
    }
    JsonObject o = new JsonObject();
    if (call.dialect() == Dialect.V4) {
      o.addProperty("files", HttpReply.GSON.toJson(items));
      o.addProperty("folder_path", rel == null ? "" : rel);
    } else {
      o.add("items", items);
    }
    return HttpReply.json(200, o);
  }

  private static String isoTime(Instant t) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  /** {@code st_mode} as the storage proxy reports it (type and permission bits). */
  private static int mode(Path p) throws IOException {
    Object m = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return m instanceof Integer i ? i : 0;
  }

  // ---- v4 transfers ----

  /**
   * v4 upload: each file part is streamed to a staging file (never held in memory), then, once the
   * whole body is read and every name checked, moved into place; so a refused upload changes
   * nothing in the folder.
   */
  HttpReply upload(ApiCall call) throws ApiException, IOException {
    Folder f = writable(call);
    Path root = store.root(f);
    String boundary = MultipartStream.boundary(call.header("Content-Type"));
    List<String> names = new ArrayList<>();
    List<Path> staged = new ArrayList<>();
    try (InputStream body = call.bodyStream()) {
      MultipartStream parts = new MultipartStream(body, boundary);
      MultipartStream.Part p;
      while ((p = parts.next()) != null) {
        if (p.filename() == null) {
          continue;
        }
        if (names.size() == MAX_UPLOAD_FILES) {
          throw Problems.invalidParams("Too many files (at most " + MAX_UPLOAD_FILES + ").");
        }
        String name = p.filename();
        op(call, () -> FolderPaths.confineEntry(root, name));
        Path tmp = Files.createTempFile(store.staging(), "upload-", ".part");
        staged.add(tmp);
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
          p.data().transferTo(out);
        } catch (java.io.EOFException e) {
          throw Problems.invalidParams("Malformed multipart body.");
        }
        names.add(name);
      }
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        Path tmp = staged.get(i);
        op(call, () -> {
          FolderPaths.place(root, name, tmp);
          return null;
        });
      }
    } finally {
      for (Path t : staged) {
        Files.deleteIfExists(t);
      }
    }
    return new HttpReply(201, null, new byte[0], java.util.Map.of(), null);
  }

  /**
   * v4 download: {@code multipart/mixed}, one gzip-encoded part per file with its base name, and
   * {@code X-TOTAL-PAYLOADS-LENGTH} = the sum of the uncompressed sizes; streamed.
   */
  HttpReply download(ApiCall call) throws ApiException, IOException {
    Folder f = usable(call);
    Path root = store.root(f);
    List<String> names = call.list("files");
    if (names.isEmpty()) {
      throw Problems.invalidParams("files is missing or empty!");
    }
    List<Path> paths = new ArrayList<>();
    long total = 0;
    for (String n : names) {
      Path p = op(call, () -> FolderPaths.confineEntry(root, n));
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new ApiException(
            404, "generic-not-found", "Unknown URL path.", "No such file: " + n, null);
      }
      p = op(call, () -> FolderPaths.regularFile(root, n));
      paths.add(p);
      total += Files.size(p);
    }
    byte[] b = new byte[16];
    random.nextBytes(b);
    String boundary = HexFormat.of().formatHex(b);
    return HttpReply.stream("multipart/mixed; boundary=" + boundary, (req, resp, cb) -> {
          try (OutputStream out =
              new BufferedOutputStream(Content.Sink.asOutputStream(resp), 64 * 1024)) {
            for (Path p : paths) {
              String name = p.getFileName().toString();
              out.write(("--" + boundary + "\r\nContent-Type: application/octet-stream\r\n"
                      + "Content-Disposition: attachment; filename=\"" + quoted(name)
                      + "\"; filename*=utf-8''" + pct(name) + "\r\n"
                      + "Content-Encoding: gzip\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
              try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
                  GZIPOutputStream gz = new FastGzip(new KeepOpen(out))) {
                in.transferTo(gz);
              }
              out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
          } catch (IOException | RuntimeException e) {
            cb.failed(e); // committed: the client sees a cut body
            return;
          }
          cb.succeeded();
        })
        .withHeader("X-TOTAL-PAYLOADS-LENGTH", Long.toString(total));
  }

  private static String quoted(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "");
  }

  private static String pct(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(String.format("%02X", c));
      }
    }
    return sb.toString();
  }

  /**
   * gzip at the fastest level: the encoding is what the v4 protocol asks for, not a saving worth the
   * default level's cost (data sets are often incompressible; level 6 runs at a fraction of the disk
   * and loopback speed).
   */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(java.util.zip.Deflater.BEST_SPEED);
    }
  }

  /** Lets a part's gzip stream finish without closing the response. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  // ---- invitations (one user: nobody else to invite) ----

  HttpReply invite(ApiCall call) throws ApiException {
    usable(call);
    List<String> users = call.list("user_ids");
    if (users.isEmpty()) {
      users = call.list("emails");
    }
    if (users.isEmpty()) {
      users = call.list("userIDs");
    }
    if (users.isEmpty()) {
      throw Problems.invalidParams("user_ids is missing or empty!");
    }
    String perm = call.str("perm", "permission");
    if (perm != null && !List.of("ro", "rw", "wd").contains(perm)) {
      throw Problems.invalidParams("perm must be one of ro, rw, wd.");
    }
    for (String u : users) {
      if (u.equals(call.accessKey())) {
        throw Problems.invalidParams("You cannot invite yourself to your own folder.");
      }
    }
    // the local server has exactly one user, the owner of its keypair: nobody else to invite
    throw notFound("No users found with the provided emails: " + String.join(", ", users)
        + " (the local server has a single user).");
  }

  HttpReply invitations(ApiCall call) {
    JsonObject o = new JsonObject();
    o.add("invitations", new JsonArray());
    return HttpReply.json(200, o);
  }

  HttpReply acceptInvitation(ApiCall call) throws ApiException {
    throw invitationNotFound(required(call, "inv_id"));
  }

  HttpReply deleteInvitation(ApiCall call) throws ApiException {
    throw invitationNotFound(required(call, "inv_id"));
  }

  private static ApiException invitationNotFound(String id) {
    return new ApiException(
        404,
        "vfolder-invitation-not-found",
        "Virtual folder invitation not found.",
        "No such invitation: " + id,
        null);
  }
}
