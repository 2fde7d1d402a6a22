package ai.backend.client.internal;

import ai.backend.client.ApiVersion;
import ai.backend.client.BatchOptions;
import ai.backend.client.ComputeSessionInfo;
import ai.backend.client.ComputeSessionType;
import ai.backend.client.Config;
import ai.backend.client.ConsoleItem;
import ai.backend.client.DestroyResult;
import ai.backend.client.ExecRequest;
import ai.backend.client.ExecutionResult;
import ai.backend.client.ExecutionStatus;
import ai.backend.client.FileEntry;
import ai.backend.client.KernelOptions;
import ai.backend.client.VFolderMount;
import ai.backend.client.errors.InvalidArgumentException;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wire shapes of the compute-session REST routes (spec §5, §6) per {@link Dialect}: request builders
 * and response parsers. Stateless; the public {@code Kernel}/{@code AsyncKernel} send what this builds.
 */
public final class ComputeSessionWire {
  private ComputeSessionWire() {}

  /**
   * The create response.
   *
   * @param name the session name
   * @param id the UUID (v5+) or null
   * @param status the reported status (null on v4, which has none)
   * @param created whether a new session was created (false: reused)
   * @param raw the whole body
   */
  public record Created(
      String name, String id, String status, boolean created, Map<String, Object> raw) {}

  /** A folder UUID, plain hex or dashed: a mount named so needs no resolving. */
  private static final java.util.regex.Pattern FOLDER_ID = java.util.regex.Pattern.compile(
      "[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** Added to a create's {@code maxWait}: 25.x rounds the wait up to its 60 s slices. */
  static final Duration CREATE_MARGIN = Duration.ofSeconds(90);
  /** A response timeout that stands for "none" (the transports take a duration or the default). */
  static final Duration NO_LIMIT = Duration.ofDays(1);

  /** {@code <prefix>/<name>[/<action>]}. */
  public static String path(Dialect d, String nameOrId, String action) {
    String p = d.sessionPrefix() + "/" + UriBuilder.segment(nameOrId);
    return action == null ? p : p + "/" + action;
  }

  // --- create --------------------------------------------------------------------------------

  /** {@code POST /kernel} or {@code POST /session} with the fields the version understands (spec §5.2). */
  public static ApiRequest create(
      Dialect d, Config config, String image, String name, KernelOptions o) {
    return create(d, config, image, name, o, Map.of());
  }

  /**
   * As {@link #create(Dialect, Config, String, String, KernelOptions)}, with the folder ids of the
   * mounts (name to id, see {@link #mountNames}) sent as {@code mount_ids} / {@code mount_id_map}
   * where the version has them.
   */
  public static ApiRequest create(
      Dialect d,
      Config config,
      String image,
      String name,
      KernelOptions o,
      Map<String, String> mountIds) {
    if (image == null || image.isBlank()) {
      throw new InvalidArgumentException("image must not be empty");
    }
    KernelOptions.validateName(name);
    ApiVersion v = d.version();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(d.imageField(), image);
    body.put(d.sessionNameField(), name);
    if (o.tag() != null) {
      body.put("tag", o.tag());
    }
    if (d.supportsEnqueue()) {
      if (o.type() != null) {
        body.put("type", o.type().wire());
      }
      body.put("enqueueOnly", o.enqueueOnly());
      if (o.maxWait() != null) {
        body.put("maxWaitSeconds", o.maxWait().toSeconds());
      }
      body.put("reuseIfExists", o.reuseIfExists());
      if (o.startupCommand() != null) {
        body.put("startupCommand", o.startupCommand());
      }
      body.put("group", o.group() != null ? o.group() : config.group());
      body.put("domain", o.domain() != null ? o.domain() : config.domain());
    } else {
      List<String> unsupported = new ArrayList<>();
      if (o.enqueueOnly()) {
        unsupported.add("enqueueOnly");
      }
      if (o.maxWait() != null) {
        unsupported.add("maxWait");
      }
      if (o.type() != null && o.type() != ComputeSessionType.INTERACTIVE) {
        unsupported.add("type=" + o.type().wire());
      }
      if (!o.reuseIfExists()) {
        unsupported.add("reuseIfExists=false");
      }
      if (o.startupCommand() != null) {
        unsupported.add("startupCommand");
      }
      if (o.group() != null) {
        unsupported.add("group");
      }
      if (o.domain() != null) {
        unsupported.add("domain");
      }
      if (!unsupported.isEmpty()) {
        throw new InvalidArgumentException("the server's API " + v + " does not support "
            + unsupported + " (needs " + ApiVersion.V4_20190615 + " or newer)");
      }
    }
    if (o.priority() != null) {
      if (!d.supportsPriority()) {
        throw new InvalidArgumentException("the server's API " + v
            + " does not support session priority (needs " + ApiVersion.V8_20240915 + ")");
      }
      body.put("priority", o.priority());
    }
    Map<String, Object> cfg = new LinkedHashMap<>();
    mounts(d, o, config, cfg, mountIds);
    cfg.put("environ", o.environ());
    if (d.usesResourceSlots()) {
      if (!o.resources().isEmpty()) {
        cfg.put("resources", o.resources());
      }
    } else {
      legacyResources(o.resources(), cfg);
    }
    body.put("config", cfg);
    ApiRequest.Builder b = ApiRequest.builder("POST", d.sessionPrefix()).jsonBody(body);
    if (!o.enqueueOnly()) {
      // the server answers once the session runs (image pulls can take minutes), up to maxWait
      // (25.x: in 60 s slices) or indefinitely without one; wait that long for the headers, and
      // without maxWait as long as the whole-call budget allows
      Duration wait = o.maxWait() != null && !o.maxWait().isZero()
          ? o.maxWait().plus(CREATE_MARGIN)
          : config.callTimeout().orElse(NO_LIMIT);
      b.timeout(wait);
    }
    return b.build();
  }

  /**
   * {@code config.mounts} (names, every version), {@code mount_map} (paths, v5+) and {@code
   * mount_options} (read-only, v6+; spec §9.3). The configuration's {@code BACKEND_VFOLDER_MOUNTS}
   * are added after the options' own (a folder named in both keeps the options' form). What a version
   * cannot express is refused rather than dropped: a read-only mount silently mounted writable would be
   * worse than an error.
   */
  static void mounts(
      Dialect d,
      KernelOptions o,
      Config config,
      Map<String, Object> cfg,
      Map<String, String> mountIds) {
    Map<String, VFolderMount> all = allMounts(o, config);
    List<String> names = new ArrayList<>(all.keySet());
    Map<String, String> map = new LinkedHashMap<>();
    Map<String, Object> options = new LinkedHashMap<>();
    for (VFolderMount m : all.values()) {
      if (m.path() != null) {
        if (!d.supportsMountMap()) {
          throw new InvalidArgumentException("mounting " + m.name() + " at " + m.path()
              + " needs API " + ApiVersion.V5_20191215 + " or newer; the server speaks "
              + d.version() + " and mounts folders at /home/work/<name> only");
        }
        map.put(m.name(), m.path());
      }
      if (m.readOnly()) {
        if (!d.version().isAtLeast(ApiVersion.V6_20200815)) {
          throw new InvalidArgumentException("a read-only mount of " + m.name() + " needs API "
              + ApiVersion.V6_20200815 + " or newer (mount_options); the server speaks "
              + d.version());
        }
        options.put(m.name(), Map.of("permission", "ro"));
      }
    }
    cfg.put("mounts", names);
    if (!map.isEmpty()) {
      cfg.put("mount_map", map);
    }
    if (!options.isEmpty()) {
      cfg.put("mount_options", options);
    }
    if (d.supportsMountIds() && !names.isEmpty()) {
      // v9 (config schema v7) deprecates the names: send the same mounts by id as well (spec §9.3)
      List<String> ids = new ArrayList<>();
      Map<String, String> idMap = new LinkedHashMap<>();
      for (VFolderMount m : all.values()) {
        String id = mountIds.get(m.name());
        if (id == null && FOLDER_ID.matcher(m.name()).matches()) {
          id = m.name(); // named by its id already
        }
        if (id == null) {
          return; // not resolved (a caller without ids): the names alone still mount
        }
        ids.add(id);
        if (m.path() != null) {
          idMap.put(id, m.path());
        }
      }
      cfg.put("mount_ids", ids);
      if (!idMap.isEmpty()) {
        cfg.put("mount_id_map", idMap);
      }
    }
  }

  /**
   * The names of the folders a create mounts (the options' then the configuration's), whose ids a
   * v9 create sends as well; empty when the version takes names only.
   */
  public static List<String> mountNames(Dialect d, KernelOptions o, Config config) {
    if (!d.supportsMountIds()) {
      return List.of();
    }
    return allMounts(o, config).keySet().stream()
        .filter(n -> !FOLDER_ID.matcher(n).matches())
        .toList();
  }

  private static Map<String, VFolderMount> allMounts(KernelOptions o, Config config) {
    Map<String, VFolderMount> all = new LinkedHashMap<>();
    for (VFolderMount m : o.vfolderMounts()) {
      all.put(m.name(), m);
    }
    for (String spec : config.vfolderMounts()) {
      VFolderMount m = VFolderMount.parse(spec);
      all.putIfAbsent(m.name(), m);
    }
    return all;
  }

  /**
   * The resources as v4.20181215 takes them: only {@code instanceCores}, {@code instanceMemory}
   * (MiB) and {@code instanceGPUs}.
   */
  private static void legacyResources(Map<String, Object> res, Map<String, Object> cfg) {
    for (Map.Entry<String, Object> e : res.entrySet()) {
      switch (e.getKey()) {
        case "cpu" -> cfg.put("instanceCores", (int) Math.ceil(number(e.getKey(), e.getValue())));
        case "mem", "ram" -> cfg.put("instanceMemory", bytes(e.getValue()) >> 20);
        case "gpu", "cuda.shares", "cuda.device" ->
          cfg.put("instanceGPUs", number(e.getKey(), e.getValue()));
        default ->
          throw new InvalidArgumentException("resource slot '" + e.getKey()
              + "' is not supported by API " + ApiVersion.V4_20181215 + " (only cpu, mem, gpu)");
      }
    }
  }

  private static double number(String key, Object v) {
    try {
      return v instanceof Number n
          ? n.doubleValue()
          : Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("resource '" + key + "' must be a number: " + v, e);
    }
  }

  /** Bytes of a number or a binary-size text such as {@code 512m}, {@code 4g}, {@code 1.5G}. */
  static long bytes(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("ib") || s.endsWith("b")) {
      s = s.substring(0, s.length() - (s.endsWith("ib") ? 2 : 1));
    }
    long unit = 1;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'k' -> unit = 1L << 10;
        case 'm' -> unit = 1L << 20;
        case 'g' -> unit = 1L << 30;
        case 't' -> unit = 1L << 40;
        default -> unit = 1;
      }
      if (unit != 1) {
        s = s.substring(0, s.length() - 1);
      }
    }
    try {
      return (long) (Double.parseDouble(s) * unit);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("not a memory size: " + v, e);
    }
  }

  /** {@link #create} with its answer's parser. */
  public static Endpoint<Created> createSession(
      Dialect d, Config config, String image, String name, KernelOptions o) {
    return createSession(d, config, image, name, o, Map.of());
  }

  /** With the mounts' folder ids; see {@link #create(Dialect, Config, String, String, KernelOptions, Map)}. */
  public static Endpoint<Created> createSession(
      Dialect d,
      Config config,
      String image,
      String name,
      KernelOptions o,
      Map<String, String> mountIds) {
    return new Endpoint<>(create(d, config, image, name, o, mountIds), createdHandler(d, name));
  }

  /** Parses the create response; {@code sentName} fills in what v4 does not echo. */
  public static Created parseCreated(Dialect d, JsonObject o, String sentName) {
    Map<String, Object> raw = plainMap(o);
    String id = d.isLegacyKernelApi() ? null : Json.string(o, "sessionId");
    String name = Json.string(o, "sessionName");
    if (name == null) {
      name = sentName;
    }
    JsonElement c = o.get("created");
    if (c != null && !c.isJsonNull() && !c.isJsonPrimitive()) {
      throw new JsonParseException("'created' is not a boolean: " + c);
    }
    boolean created = c == null || c.isJsonNull() || c.getAsBoolean();
    return new Created(name, id, Json.string(o, "status"), created, raw);
  }

  // --- execute -------------------------------------------------------------------------------

  /** {@code POST /<prefix>/<name>} with {@code runId} and {@code run_id} (25.6+ reads the latter, spec §5.7). */
  public static Endpoint<ExecutionResult> execute(Dialect d, String name, ExecRequest r) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("mode", r.mode());
    body.put("runId", r.runId());
    body.put("run_id", r.runId());
    body.put("code", r.code());
    if (r.batchOptions() != null) {
      body.put("options", batchOptions(r.batchOptions()));
    }
    return new Endpoint<>(
        ApiRequest.builder("POST", path(d, name, null)).jsonBody(body).build(), executionHandler());
  }

  /** Batch {@code options} of an execute request or a streaming execute's first frame (spec §5.7). */
  public static Map<String, Object> batchOptions(BatchOptions b) {
    Map<String, Object> opts = new LinkedHashMap<>();
    if (b.clean() != null) {
      opts.put("clean", b.clean());
    }
    opts.put("build", b.build());
    opts.put("buildLog", b.buildLog());
    opts.put("exec", b.exec());
    return opts;
  }

  /** Parses {@code {"result": ExecutionResult}}. */
  public static ExecutionResult parseExecution(JsonObject body) {
    JsonElement re = body.get("result");
    if (re == null || !re.isJsonObject()) {
      throw new JsonParseException("execute response has no 'result' object");
    }
    JsonObject r = re.getAsJsonObject();
    String raw = Json.string(r, "status");
    List<ConsoleItem> console = new ArrayList<>();
    JsonElement ce = r.get("console");
    if (ce != null && ce.isJsonArray()) {
      for (JsonElement item : ce.getAsJsonArray()) {
        console.add(consoleItem(item));
      }
    } else {
      // API v1 shape: separate stdout/stderr fields
      String out = Json.string(r, "stdout");
      String err = Json.string(r, "stderr");
      if (out != null && !out.isEmpty()) {
        console.add(new ConsoleItem.Stdout(out));
      }
      if (err != null && !err.isEmpty()) {
        console.add(new ConsoleItem.Stderr(err));
      }
    }
    JsonElement ec = r.get("exitCode");
    java.util.OptionalInt exit = ec == null || ec.isJsonNull()
        ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(exitCode(ec));
    Map<String, Object> options = new LinkedHashMap<>();
    JsonElement oe = r.get("options");
    if (oe != null && oe.isJsonObject()) {
      plainMap(oe.getAsJsonObject()).forEach((k, v) -> {
        if (v != null) {
          options.put(k, v);
        }
      });
    }
    List<Map<String, Object>> files = new ArrayList<>();
    JsonElement fe = r.get("files");
    if (fe != null && fe.isJsonArray()) {
      for (JsonElement f : fe.getAsJsonArray()) {
        if (f.isJsonObject()) {
          files.add(plainMap(f.getAsJsonObject()));
        }
      }
    }
    return new ExecutionResult(
        Json.string(r, "runId"), ExecutionStatus.fromWire(raw), raw, console, exit, options, files);
  }

  private static int exitCode(JsonElement ec) {
    long v = Json.longValue(ec, "exitCode");
    if (v != (int) v) {
      throw new JsonParseException("exitCode out of range: " + v);
    }
    return (int) v;
  }

  static ConsoleItem consoleItem(JsonElement item) {
    if (!item.isJsonArray() || item.getAsJsonArray().isEmpty()) {
      return new ConsoleItem.Other("", Json.toPlain(item));
    }
    JsonArray a = item.getAsJsonArray();
    String type = a.get(0).isJsonPrimitive() ? a.get(0).getAsString() : "";
    JsonElement v = a.size() > 1 ? a.get(1) : null;
    Object plain = Json.toPlain(v);
    switch (type) {
      case "stdout":
        if (plain instanceof String s) {
          return new ConsoleItem.Stdout(s);
        }
        break;
      case "stderr":
        if (plain instanceof String s) {
          return new ConsoleItem.Stderr(s);
        }
        break;
      case "media":
        if (v != null
            && v.isJsonArray()
            && v.getAsJsonArray().size() >= 2
            && v.getAsJsonArray().get(0).isJsonPrimitive()) { // else not a media item: Other
          JsonArray m = v.getAsJsonArray();
          return new ConsoleItem.Media(
              m.get(0).getAsString(),
              m.get(1).isJsonPrimitive() ? m.get(1).getAsString() : Json.write(m.get(1)));
        }
        break;
      case "html":
        if (plain instanceof String s) {
          return new ConsoleItem.Html(s);
        }
        break;
      case "log":
        return new ConsoleItem.Log(plain);
      default:
        break;
    }
    return new ConsoleItem.Other(type, plain);
  }

  // --- other routes --------------------------------------------------------------------------

  public static Endpoint<ComputeSessionInfo> info(Dialect d, String name) {
    return new Endpoint<>(ApiRequest.get(path(d, name, null)), infoHandler(name));
  }

  public static ComputeSessionInfo parseInfo(String name, JsonObject o) {
    Map<String, Object> raw = plainMap(o);
    String image = Json.string(o, "image");
    if (image == null) {
      image = Json.string(o, "lang");
    }
    return new ComputeSessionInfo(
        name,
        image,
        Json.string(o, "status"),
        Json.string(o, "tag"),
        raw.get("age") instanceof Number n ? n.doubleValue() : null,
        raw.get("numQueriesExecuted") instanceof Number n ? n.longValue() : null,
        raw);
  }

  public static Endpoint<DestroyResult> destroy(Dialect d, String name) {
    return new Endpoint<>(
        ApiRequest.builder("DELETE", path(d, name, null)).build(), destroyHandler());
  }

  /**
   * A destroy response (spec §5.4): v4 sends the last container metrics in {@code stats}, 25.x only
   * {@code stats.status} ({@code terminated}, {@code cancelled}) or an empty object.
   */
  public static DestroyResult parseDestroy(com.google.gson.JsonElement body) {
    if (body != null && body.isJsonObject()) {
      JsonElement s = body.getAsJsonObject().get("stats");
      if (s != null && s.isJsonObject()) {
        Map<String, Object> stats = new LinkedHashMap<>();
        plainMap(s.getAsJsonObject()).forEach((k, v) -> {
          if (v != null) {
            stats.put(k, v);
          }
        });
        return new DestroyResult(stats.get("status") instanceof String st ? st : null, stats);
      }
    }
    return new DestroyResult(null, Map.of());
  }

  public static Endpoint<Void> restart(Dialect d, String name) {
    return new Endpoint<>(
        ApiRequest.builder("PATCH", path(d, name, null)).build(), Handlers.discard());
  }

  public static Endpoint<Void> interrupt(Dialect d, String name) {
    return new Endpoint<>(
        ApiRequest.builder("POST", path(d, name, "interrupt")).build(), Handlers.discard());
  }

  /** {@code POST …/complete}; the cursor is at the end of {@code code}. */
  public static Endpoint<List<String>> complete(Dialect d, String name, String code) {
    String c = code == null ? "" : code;
    int nl = c.lastIndexOf('\n');
    String line = c.substring(nl + 1);
    int row = (int) c.chars().filter(ch -> ch == '\n').count();
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("row", row);
    opts.put("col", line.length());
    opts.put("line", line);
    opts.put("post", "");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", c);
    body.put("options", opts);
    return new Endpoint<>(
        ApiRequest.builder("POST", path(d, name, "complete")).jsonBody(body).build(),
        completionsHandler());
  }

  /** v4 {@code {"result": [..]}} or {@code {"result": {"completions": [..]}}}; 25.x {@code {"suggestions": [..]}}. */
  public static List<String> parseCompletions(JsonElement body) {
    if (body == null || !body.isJsonObject()) {
      return List.of();
    }
    JsonObject o = body.getAsJsonObject();
    JsonElement src = o.has("suggestions") ? o.get("suggestions") : o.get("result");
    if (src != null && src.isJsonObject()) {
      JsonObject r = src.getAsJsonObject();
      src = r.has("suggestions") ? r.get("suggestions") : r.get("completions");
    }
    List<String> out = new ArrayList<>();
    if (src != null && src.isJsonArray()) {
      for (JsonElement e : src.getAsJsonArray()) {
        out.add(e.isJsonPrimitive() ? e.getAsString() : Json.write(e));
      }
    }
    return List.copyOf(out);
  }

  public static Endpoint<String> logs(Dialect d, String name) {
    return new Endpoint<>(ApiRequest.get(path(d, name, "logs")), logsHandler());
  }

  public static String parseLogs(JsonObject o) {
    JsonElement r = o.get("result");
    if (r != null && r.isJsonObject()) {
      String s = Json.string(r.getAsJsonObject(), "logs");
      return s == null ? "" : s;
    }
    String s = Json.string(o, "logs");
    if (s == null) {
      throw new JsonParseException("logs response has no result.logs");
    }
    return s;
  }

  /** {@code GET …/files} with {@code path} in the query and in a JSON body (servers read one or the other, spec §6.3). */
  public static Endpoint<List<FileEntry>> listFiles(Dialect d, String name, String path) {
    String p = path == null || path.isEmpty() ? "." : path;
    return new Endpoint<>(
        ApiRequest.builder("GET", path(d, name, "files"))
            .query("path", p)
            .jsonBody(Map.of("path", p))
            .build(),
        filesHandler());
  }

  public static List<FileEntry> parseFiles(JsonObject o) {
    JsonElement f = o.get("files");
    if (f == null || f.isJsonNull()) {
      throw new JsonParseException("list-files response has no 'files'");
    }
    JsonElement list = f.isJsonPrimitive() ? Json.parse(f.getAsString()) : f;
    if (!list.isJsonArray()) {
      throw new JsonParseException("'files' is not a list");
    }
    List<FileEntry> out = new ArrayList<>();
    for (JsonElement e : list.getAsJsonArray()) {
      JsonObject x = e.getAsJsonObject();
      String n = Json.string(x, "filename");
      if (n == null) {
        n = Json.string(x, "name");
      }
      out.add(new FileEntry(
          n,
          Json.string(x, "mode"),
          x.has("size") && !x.get("size").isJsonNull() ? Json.longValue(x.get("size"), "size") : 0,
          epoch(x.get("mtime")),
          epoch(x.get("ctime"))));
    }
    return List.copyOf(out);
  }

  private static Instant epoch(JsonElement e) {
    if (e == null
        || e.isJsonNull()
        || !e.isJsonPrimitive()
        || !e.getAsJsonPrimitive().isNumber()) {
      return null;
    }
    double s = e.getAsDouble();
    if (!(Math.abs(s) <= Instant.MAX.getEpochSecond())) {
      return null; // out of Instant's range (or not finite): unknown, like a missing time
    }
    long sec = (long) Math.floor(s);
    return Instant.ofEpochSecond(sec, (long) ((s - sec) * 1e9));
  }

  /**
   * Download request (spec §6.2): v4 {@code GET} + JSON body; pre-24.09 {@code GET} with the files in the
   * query and the body; 24.09+ {@code POST} with repeated {@code files} query parameters only.
   */
  public static ApiRequest download(Dialect d, String name, List<String> files) {
    ApiRequest.Builder b = ApiRequest.builder(d.downloadMethod(), path(d, name, "download"));
    if (!d.isLegacyKernelApi()) {
      b.queryAll("files", files);
    }
    if (d.getParamsInBody()) {
      b.jsonBody(Map.of("files", files));
    }
    // a download may be many GiB: bounded by the read (idle) timeout only, not the whole-call one
    return b.header("Accept", "multipart/mixed")
        .idempotent(true)
        .callTimeout(Duration.ZERO)
        .build();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> plainMap(JsonObject o) {
    return (Map<String, Object>) Json.toPlain(o);
  }
  // --- response handlers (the public API must not touch Gson) ---------------------------------

  public static ResponseHandler<Created> createdHandler(Dialect d, String sentName) {
    return r -> parseCreated(d, Json.parseObject(Handlers.readBody(r)), sentName);
  }

  public static ResponseHandler<ExecutionResult> executionHandler() {
    return r -> parseExecution(Json.parseObject(Handlers.readBody(r)));
  }

  public static ResponseHandler<ComputeSessionInfo> infoHandler(String name) {
    return r -> parseInfo(name, Json.parseObject(Handlers.readBody(r)));
  }

  public static ResponseHandler<DestroyResult> destroyHandler() {
    return r -> parseDestroy(Handlers.json().handle(r));
  }

  public static ResponseHandler<List<String>> completionsHandler() {
    return r -> parseCompletions(Handlers.json().handle(r));
  }

  public static ResponseHandler<String> logsHandler() {
    return r -> parseLogs(Json.parseObject(Handlers.readBody(r)));
  }

  public static ResponseHandler<List<FileEntry>> filesHandler() {
    return r -> parseFiles(Json.parseObject(Handlers.readBody(r)));
  }
}
