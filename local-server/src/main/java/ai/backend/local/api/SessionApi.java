package ai.backend.local.api;

import ai.backend.local.engine.BatchOptions;
import ai.backend.local.engine.ExecRequest;
import ai.backend.local.engine.ExecResult;
import ai.backend.local.engine.InvalidExecRequestException;
import ai.backend.local.engine.Kernel;
import ai.backend.local.engine.KernelStats;
import ai.backend.local.engine.RuntimeUnavailableException;
import ai.backend.local.engine.UnknownImageException;
import ai.backend.local.folders.Folder;
import ai.backend.local.folders.FolderException;
import ai.backend.local.folders.FolderStore;
import ai.backend.local.sessions.Mount;
import ai.backend.local.sessions.QuotaExceededException;
import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionConflictException;
import ai.backend.local.sessions.SessionRegistry;
import ai.backend.local.sessions.SessionSpec;
import ai.backend.local.stream.ExecuteEndpoint;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/** Session lifecycle and execution routes: {@code /kernel/...} (v4) and {@code /session/...} (v5+). */
public final class SessionApi {
  private static final Pattern ASCII_NAME = Pattern.compile("^(?=.{4,64}$)\\w[\\w.-]*\\w$");

  private final SessionRegistry registry;
  private final Clock clock;
  private final Duration flushTimeout;
  private final FolderStore folders;

  public SessionApi(SessionRegistry registry, Clock clock, Duration flushTimeout) {
    this(registry, clock, flushTimeout, null);
  }

  /** @param folders the folders sessions may mount, or null for none */
  public SessionApi(
      SessionRegistry registry, Clock clock, Duration flushTimeout, FolderStore folders) {
    this.registry = registry;
    this.clock = clock;
    this.flushTimeout = flushTimeout;
    this.folders = folders;
  }

  /** Registers the routes of both dialects. */
  public void register(Router r) {
    r.add("POST", "/kernel", Dialect.V4, this::createV4);
    r.add("POST", "/kernel/create", Dialect.V4, this::createV4);
    r.add("POST", "/session", Dialect.CURRENT, this::createCurrent);
    r.add("POST", "/session/_/create", Dialect.CURRENT, this::createCurrent);
    for (Dialect d : Dialect.values()) {
      String p = "/" + d.prefix() + "/{id}";
      r.add("GET", p, d, this::info);
      r.add("DELETE", p, d, this::destroy);
      r.add("PATCH", p, d, this::restart);
      r.add("POST", p, d, this::execute);
      r.add("POST", p + "/interrupt", d, this::interrupt);
      r.add("POST", p + "/complete", d, this::complete);
      r.add("GET", p + "/logs", d, this::logs);
    }
  }

  /** The session named by the {@code id} path parameter, or 404 in the dialect's words. */
  Session session(ApiCall call) throws ApiException {
    Session s = registry
        .find(call.accessKey(), call.path("id"))
        .orElseThrow(() -> Problems.sessionNotFound(call.dialect()));
    registry.touch(s);
    return s;
  }

  private static String checkName(String name, String field) throws ApiException {
    if (name == null || name.isEmpty()) {
      throw Problems.invalidParams(field + " is missing or empty!");
    }
    if (!ASCII_NAME.matcher(name).matches()) {
      throw Problems.invalidParams(
          field + " must be 4 to 64 characters of letters, digits, '_', '.' and '-' "
              + "(starting and ending with a letter, digit or '_').");
    }
    return name;
  }

  private static Map<String, String> environ(JsonObject config) throws ApiException {
    Map<String, String> env = new LinkedHashMap<>();
    if (config == null) {
      return env;
    }
    JsonElement e = config.get("environ");
    if (e == null || e.isJsonNull()) {
      return env;
    }
    if (!e.isJsonObject()) {
      throw Problems.invalidParams("config.environ must be an object.");
    }
    for (Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) {
      JsonElement v = x.getValue();
      String key = x.getKey();
      String value = v.isJsonNull() ? "" : v.isJsonPrimitive() ? v.getAsString() : v.toString();
      // one rule for every image, checked here: a process environment cannot hold these, and an
      // image whose runs start a shell would otherwise fail every run later (127)
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
        throw Problems.invalidParams(
            "config.environ: invalid variable name " + new com.google.gson.JsonPrimitive(key)
                + " (it must be non-empty, without '=' or NUL).");
      }
      if (value.indexOf('\0') >= 0) {
        throw Problems.invalidParams(
            "config.environ: the value of " + key + " contains a NUL character.");
      }
      env.put(key, value);
    }
    return env;
  }

  private static JsonObject config(ApiCall call) throws ApiException {
    JsonElement c = call.params().get("config");
    if (c == null || c.isJsonNull()) {
      return new JsonObject();
    }
    if (!c.isJsonObject()) {
      throw Problems.invalidParams("config must be an object.");
    }
    return c.getAsJsonObject();
  }

  private SessionRegistry.CreateResult create(ApiCall call, SessionSpec spec) throws ApiException {
    try {
      return registry.getOrCreate(spec);
    } catch (UnknownImageException e) {
      throw Problems.imageNotFound(e.getMessage(), registry.availableRuntimes());
    } catch (RuntimeUnavailableException e) {
      throw Problems.invalidParams(e.getMessage());
    } catch (QuotaExceededException e) {
      throw Problems.quotaExceeded();
    } catch (SessionConflictException e) {
      if (call.dialect() == Dialect.V4) {
        throw new ApiException(
            400,
            "kernel-already-exists",
            "The kernel already exists with different runtime type (language).",
            null,
            null);
      }
      JsonObject data = new JsonObject();
      data.addProperty("existingSessionId", e.existing().id().toString());
      throw new ApiException(
          400,
          "session-already-exists",
          "The session already exists but you requested different image.",
          e.getMessage(),
          data);
    }
  }

  /** The v4 create request's body as a spec; parsing only (fuzzed by SessionApiFuzzTest). */
  static SessionSpec v4Spec(ApiCall call) throws ApiException {
    String lang = call.str("lang", "image");
    if (lang == null || lang.isBlank()) {
      throw Problems.invalidParams("lang is missing or empty!");
    }
    String token =
        checkName(call.str("clientSessionToken", "name", "sessionName"), "clientSessionToken");
    JsonObject config = config(call);
    return new SessionSpec(
        call.accessKey(),
        token,
        lang,
        "interactive",
        call.str("tag"),
        environ(config),
        null,
        10,
        false,
        true);
  }

  /** The current create request's body as a spec; parsing only (fuzzed by SessionApiFuzzTest). */
  static SessionSpec currentSpec(ApiCall call) throws ApiException {
    String image = call.str("image", "lang");
    if (image == null || image.isBlank()) {
      throw Problems.invalidParams("image is missing or empty!");
    }
    String name =
        checkName(call.str("name", "clientSessionToken", "session_name", "sessionName"), "name");
    if (name.equals("from-template")) {
      throw Problems.invalidParams("from-template is a reserved session name.");
    }
    String type = call.str("type", "sessionType", "session_type");
    type = type == null ? "interactive" : type.toLowerCase(Locale.ROOT);
    if (!List.of("interactive", "batch", "inference", "system").contains(type)) {
      throw Problems.invalidParams("type must be one of interactive, batch, inference, system.");
    }
    String startup = call.str("startupCommand", "startup_command");
    if (type.equals("batch") && (startup == null || startup.isBlank())) {
      throw Problems.invalidParams("Batch sessions must have a non-empty startup command.");
    }
    int priority = call.integer(10, "priority");
    if (priority < 0 || priority > 100) {
      throw Problems.invalidParams("priority must be between 0 and 100.");
    }
    boolean enqueueOnly = call.bool(false, "enqueueOnly", "enqueue_only");
    boolean reuse = call.bool(true, "reuseIfExists", "reuse", "reuse_if_exists");
    call.integer(0, "maxWaitSeconds", "max_wait_seconds");
    return new SessionSpec(
        call.accessKey(),
        name,
        image,
        type,
        call.str("tag"),
        environ(config(call)),
        startup,
        priority,
        enqueueOnly,
        reuse);
  }

  HttpReply createV4(ApiCall call) throws ApiException {
    SessionSpec spec = v4Spec(call);
    SessionRegistry.CreateResult r = create(call, spec.withMounts(mounts(call, config(call))));
    JsonObject o = new JsonObject();
    o.addProperty("kernelId", r.session().name());
    o.add("servicePorts", new JsonArray());
    o.addProperty("created", r.created());
    return HttpReply.json(201, o);
  }

  HttpReply createCurrent(ApiCall call) throws ApiException {
    SessionSpec spec = currentSpec(call);
    spec = spec.withMounts(mounts(call, config(call)));
    boolean enqueueOnly = spec.enqueueOnly();
    SessionRegistry.CreateResult r = create(call, spec);
    Session s = r.session();
    JsonObject o = new JsonObject();
    o.addProperty("sessionId", s.id().toString());
    o.addProperty("sessionName", s.name());
    // A new enqueue-only session is PENDING as far as this answer goes, like a manager's scheduler
    // queue; the background start may already have moved it on, which the events then report.
    o.addProperty("status", enqueueOnly && r.created() ? "PENDING" : s.status().name());
    if (!r.created()) {
      o.add("service_ports", new JsonArray());
    }
    o.add("servicePorts", new JsonArray());
    o.addProperty("created", r.created());
    return HttpReply.json(201, o);
  }

  /**
   * The folders to mount (spec §9.3): {@code mounts} (names), {@code mount_map} {name: path}, {@code
   * mount_ids} / {@code mount_id_map} (v9; the SDK sends them along with the names, so one folder
   * named both ways is mounted once) and {@code mount_options} {name: {"permission": "ro"}}. A path
   * is relative to the work directory or absolute under {@code /home/work}. Every folder is resolved
   * before the session is created: an unknown one is 404 {@code vfolder-not-found} and no session.
   */
  List<Mount> mounts(ApiCall call, JsonObject config) throws ApiException {
    Map<String, String> byRef = new LinkedHashMap<>(); // reference -> target (null = default)
    for (String field : List.of("mounts", "mount_ids")) {
      for (String ref : strings(config, field)) {
        byRef.putIfAbsent(ref, null);
      }
    }
    for (String field : List.of("mount_map", "mount_id_map")) {
      JsonElement m = config.get(field);
      if (m == null || m.isJsonNull()) {
        continue;
      }
      if (!m.isJsonObject()) {
        throw Problems.invalidParams("config." + field + " must be an object.");
      }
      for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
        if (!e.getValue().isJsonPrimitive()) {
          throw Problems.invalidParams("config." + field + " values must be paths.");
        }
        byRef.put(e.getKey(), e.getValue().getAsString());
      }
    }
    if (byRef.isEmpty()) {
      return List.of();
    }
    JsonElement opts = config.get("mount_options");
    JsonObject options = opts != null && opts.isJsonObject() ? opts.getAsJsonObject() : null;
    Map<String, Mount> byId = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : byRef.entrySet()) {
      Folder f;
      try {
        if (folders == null) {
          throw new FolderException(FolderException.Kind.NOT_FOUND, "No such folder");
        }
        f = folders.find(call.accessKey(), e.getKey());
      } catch (FolderException x) {
        throw FolderApi.notFound("No such virtual folder to mount: " + e.getKey());
      }
      if (f.trashed()) {
        throw FolderApi.notFound("The folder " + f.name() + " is in the trash bin.");
      }
      boolean ro = !f.writable() || readOnlyOption(options, e.getKey(), f);
      Mount prev = byId.get(f.id());
      String target = e.getValue() != null
          ? mountTarget(e.getValue())
          : prev != null ? prev.target() : f.name();
      byId.put(
          f.id(),
          new Mount(
              f.id(), f.name(), folders.root(f), target, ro || (prev != null && prev.readOnly())));
    }
    java.util.Set<String> targets = new java.util.HashSet<>();
    for (Mount m : byId.values()) {
      if (!targets.add(m.target())) {
        throw Problems.invalidParams("Two folders are mounted at the same path: " + m.target());
      }
      for (String t : targets) {
        if (!t.equals(m.target())
            && (t.startsWith(m.target() + "/") || m.target().startsWith(t + "/"))) {
          throw Problems.invalidParams("Mount paths must not nest: " + t + ", " + m.target());
        }
      }
    }
    return List.copyOf(byId.values());
  }

  private static List<String> strings(JsonObject config, String field) throws ApiException {
    JsonElement e = config.get(field);
    List<String> out = new java.util.ArrayList<>();
    if (e == null || e.isJsonNull()) {
      return out;
    }
    if (!e.isJsonArray()) {
      throw Problems.invalidParams("config." + field + " must be a list of folder names.");
    }
    for (JsonElement x : e.getAsJsonArray()) {
      if (!x.isJsonPrimitive()) {
        throw Problems.invalidParams("config." + field + " must be a list of folder names.");
      }
      out.add(x.getAsString());
    }
    return out;
  }

  private static boolean readOnlyOption(JsonObject options, String ref, Folder f) {
    if (options == null) {
      return false;
    }
    for (String key : List.of(ref, f.name(), f.id())) {
      JsonElement o = options.get(key);
      if (o != null && o.isJsonObject()) {
        for (String k : List.of("permission", "mount_perm", "perm")) {
          JsonElement p = o.getAsJsonObject().get(k);
          if (p != null && p.isJsonPrimitive()) {
            return p.getAsString().equalsIgnoreCase("ro");
          }
        }
      }
    }
    return false;
  }

  /** A mount path as a normalized path relative to the work directory. */
  static String mountTarget(String path) throws ApiException {
    String p = path.trim();
    if (p.startsWith("/")) {
      String work = FileApi.WORK_DIR;
      if (!p.startsWith(work + "/")) {
        throw Problems.invalidParams("The local server mounts folders only under " + work
            + " (the session's work directory): " + path);
      }
      p = p.substring(work.length() + 1);
    }
    java.util.List<String> segs = new java.util.ArrayList<>();
    for (String seg : p.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..") || seg.indexOf('\0') >= 0) {
        throw Problems.invalidParams("Invalid mount path: " + path);
      }
      segs.add(seg);
    }
    if (segs.isEmpty()) {
      throw Problems.invalidParams("A folder cannot be mounted over the work directory: " + path);
    }
    return String.join("/", segs);
  }

  HttpReply info(ApiCall call) throws ApiException {
    Session s = session(call);
    KernelStats st = s.stats();
    double age = Duration.between(s.createdAt(), clock.instant()).toNanos() / 1e6;
    JsonObject o = new JsonObject();
    if (call.dialect() == Dialect.V4) {
      o.addProperty("lang", s.image());
      o.addProperty("tag", s.spec().tag());
      o.addProperty("age", age);
      o.addProperty("queryTimeout", -1);
      o.addProperty("idleTimeout", idleTimeoutSeconds());
      o.addProperty("memoryLimit", registry.limits().memoryBytes() >> 10);
      o.addProperty("maxCpuCredit", -1);
      o.addProperty("numQueriesExecuted", s.numQueries());
      o.addProperty("idle", -1);
      o.addProperty("memoryUsed", st.memCurBytes() >> 10);
      o.addProperty("cpuCreditUsed", st.cpuUsedMillis());
      return HttpReply.json(200, o);
    }
    o.addProperty("age", (long) age);
    o.addProperty("domainName", "default");
    o.addProperty("groupId", Identity.groupId());
    o.addProperty("userId", Identity.userId(s.owner()));
    o.addProperty("lang", s.image());
    o.addProperty("image", s.image());
    o.addProperty("architecture", Identity.architecture());
    o.addProperty("registry", "local");
    o.addProperty("tag", s.spec().tag());
    o.addProperty("containerId", s.id().toString().replace("-", ""));
    o.addProperty("occupiedSlots", "{}");
    o.addProperty("occupyingSlots", "{}");
    o.addProperty("requestedSlots", "{}");
    o.addProperty("occupiedShares", "{}");
    JsonObject env = new JsonObject();
    s.spec().environ().forEach(env::addProperty);
    o.add("environ", env);
    o.add("resourceOpts", new JsonObject());
    o.addProperty("status", s.status().name());
    o.addProperty("statusInfo", s.statusInfo().isEmpty() ? "None" : s.statusInfo());
    o.add("statusData", new JsonObject());
    o.addProperty("creationTime", iso(s.createdAt()));
    o.addProperty("terminationTime", s.terminatedAt() == null ? null : iso(s.terminatedAt()));
    o.addProperty("numQueriesExecuted", s.numQueries());
    o.add("lastStat", lastStat(st));
    o.add("idleChecks", new JsonObject());
    return HttpReply.json(200, o);
  }

  private long idleTimeoutSeconds() {
    Duration d = registry.idleTimeout();
    return d == null || d.isZero() ? -1 : d.toSeconds();
  }

  static String iso(Instant t) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  private static JsonObject lastStat(KernelStats st) {
    JsonObject o = new JsonObject();
    o.add("cpu_used", metric(st.cpuUsedMillis()));
    o.add("mem", metric(st.memCurBytes()));
    return o;
  }

  private static JsonObject metric(long v) {
    JsonObject m = new JsonObject();
    m.addProperty("current", Long.toString(v));
    m.addProperty("capacity", (String) null);
    return m;
  }

  /** The v4 stats object (also included in the v5+ destroy answer). */
  static JsonObject stats(KernelStats st) {
    JsonObject o = new JsonObject();
    o.addProperty("cpu_used", st.cpuUsedMillis());
    o.addProperty("mem_max_bytes", st.memMaxBytes());
    o.addProperty("mem_cur_bytes", st.memCurBytes());
    o.addProperty("net_rx_bytes", 0);
    o.addProperty("net_tx_bytes", 0);
    o.addProperty("io_read_bytes", 0);
    o.addProperty("io_write_bytes", 0);
    o.addProperty("io_max_scratch_size", 0);
    o.addProperty("io_cur_scratch_size", 0);
    return o;
  }

  HttpReply destroy(ApiCall call) throws ApiException {
    Session s = session(call);
    KernelStats st = registry.destroy(s, "user-requested");
    JsonObject stats = stats(st);
    if (call.dialect() == Dialect.CURRENT) {
      JsonObject o = new JsonObject();
      o.addProperty("status", "terminated");
      stats.entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
      stats = o;
    }
    JsonObject body = new JsonObject();
    body.add("stats", stats);
    return HttpReply.json(200, body);
  }

  private <T> T withKernel(ApiCall call, Session s, java.util.function.Function<Kernel, T> f)
      throws ApiException {
    try {
      return registry.use(s, f);
    } catch (TimeoutException e) {
      throw new ApiException(
          503, "kernel-not-ready", "The session is not running yet.", null, null);
    } catch (IllegalStateException e) {
      throw Problems.sessionNotFound(call.dialect());
    }
  }

  HttpReply restart(ApiCall call) throws ApiException {
    Session s = session(call);
    withKernel(call, s, k -> {
      k.restart();
      return null;
    });
    return HttpReply.noContent();
  }

  HttpReply interrupt(ApiCall call) throws ApiException {
    Session s = session(call);
    withKernel(call, s, k -> {
      k.interrupt();
      return null;
    });
    return HttpReply.noContent();
  }

  HttpReply complete(ApiCall call) throws ApiException {
    Session s = session(call);
    String code = call.str("code");
    List<String> items = withKernel(call, s, k -> k.complete(code == null ? "" : code));
    JsonArray arr = new JsonArray();
    items.forEach(arr::add);
    JsonObject o = new JsonObject();
    if (call.dialect() == Dialect.V4) {
      o.add("result", arr);
    } else {
      o.addProperty("status", "finished");
      o.add("error", JsonNull.INSTANCE);
      o.add("suggestions", arr);
    }
    return HttpReply.json(200, o);
  }

  HttpReply logs(ApiCall call) throws ApiException {
    Session s = session(call);
    String logs = withKernel(call, s, Kernel::logs);
    JsonObject inner = new JsonObject();
    inner.addProperty("logs", logs);
    JsonObject o = new JsonObject();
    o.add("result", inner);
    return HttpReply.json(200, o);
  }

  HttpReply execute(ApiCall call) throws ApiException {
    Session s = session(call);
    ExecRequest req = execRequest(call);
    registry.countQuery(s);
    ExecResult r;
    try {
      r = withKernel(call, s, k -> k.execute(req, flushTimeout));
    } catch (InvalidExecRequestException e) {
      throw Problems.invalidParams(e.getMessage());
    }
    JsonObject result = new JsonObject();
    result.addProperty("runId", r.runId());
    ExecuteEndpoint.frame(r).entrySet().forEach(e -> result.add(e.getKey(), e.getValue()));
    JsonObject body = new JsonObject();
    body.add("result", result);
    return HttpReply.json(200, body);
  }

  /** The execute request's body as a request; parsing only (fuzzed by SessionApiFuzzTest). */
  static ExecRequest execRequest(ApiCall call) throws ApiException {
    JsonObject p = call.params();
    String mode = call.str("mode");
    if (mode == null || mode.isBlank()) {
      throw Problems.invalidParams("mode is missing or empty!");
    }
    String runId = call.str("runId", "run_id");
    String code = call.str("code");
    BatchOptions opts = null;
    JsonElement oe = p.get("options");
    if (oe != null && oe.isJsonObject()) {
      JsonObject oo = oe.getAsJsonObject();
      opts = new BatchOptions(
          optStr(oo, "clean"), optStr(oo, "build"), optBool(oo, "buildLog"), optStr(oo, "exec"));
    } else if (oe != null && !oe.isJsonNull()) {
      throw Problems.invalidParams("options must be an object.");
    }
    return new ExecRequest(mode, runId, code, opts);
  }

  private static String optStr(JsonObject o, String k) throws ApiException {
    JsonElement e = o.get(k);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive()) {
      throw Problems.invalidParams("options." + k + " must be a string.");
    }
    return e.getAsString();
  }

  private static boolean optBool(JsonObject o, String k) throws ApiException {
    JsonElement e = o.get(k);
    if (e == null || e.isJsonNull()) {
      return false;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
      return e.getAsBoolean();
    }
    String v = e.isJsonPrimitive() ? e.getAsString() : "";
    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v);
    }
    throw Problems.invalidParams("options." + k + " must be a boolean.");
  }

  /** Stable identities derived from the access key (there is no user database). */
  static final class Identity {
    private Identity() {}

    static String userId(String accessKey) {
      return UUID.nameUUIDFromBytes(("user:" + accessKey).getBytes(StandardCharsets.UTF_8))
          .toString();
    }

    static String groupId() {
      return UUID.nameUUIDFromBytes("group:default".getBytes(StandardCharsets.UTF_8))
          .toString();
    }

    static String architecture() {
      String a = System.getProperty("os.arch", "x86_64");
      return switch (a) {
        case "amd64", "x86_64" -> "x86_64";
        case "aarch64", "arm64" -> "aarch64";
        default -> a;
      };
    }
  }
}
