package ai.backend.local.graphql;

import ai.backend.local.engine.KernelStats;
import ai.backend.local.folders.Folder;
import ai.backend.local.folders.FolderStore;
import ai.backend.local.security.KeyRing;
import ai.backend.local.security.Keypair;
import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionRegistry;
import ai.backend.local.sessions.SessionStatus;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The GraphQL schema of {@code schema.graphqls} wired to the session registry and key ring. Every
 * query sees only the caller's own sessions and keypair.
 */
public final class GraphQLService {
  private static final String CALLER = "accessKey";

  private final SessionRegistry registry;
  private final KeyRing keys;
  private final Supplier<Set<String>> runtimes;
  private final GraphQL graphql;
  private final FolderStore folders;

  public GraphQLService(SessionRegistry registry, KeyRing keys, Supplier<Set<String>> runtimes) {
    this(registry, keys, runtimes, null);
  }

  /** @param folders the folders {@code vfolders} / {@code vfolder_list} answer from, or null */
  public GraphQLService(
      SessionRegistry registry, KeyRing keys, Supplier<Set<String>> runtimes, FolderStore folders) {
    this.folders = folders;
    this.registry = registry;
    this.keys = keys;
    this.runtimes = runtimes;
    String sdl;
    try (InputStream in = GraphQLService.class.getResourceAsStream("schema.graphqls")) {
      if (in == null) {
        throw new IllegalStateException("schema.graphqls missing");
      }
      sdl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
        .scalar(stringScalar("UUID", "A UUID in its canonical string form"))
        .scalar(stringScalar("JSONString", "A JSON document encoded as a string"))
        .type("Query", t -> t.dataFetcher("compute_sessions", this::computeSessions)
            .dataFetcher("compute_session", this::computeSession)
            .dataFetcher("compute_session_list", this::computeSessionList)
            .dataFetcher("keypair", this::keypair)
            .dataFetcher("images", this::images)
            .dataFetcher("vfolders", this::vfolders)
            .dataFetcher("vfolder_list", this::vfolderList))
        .build();
    GraphQLSchema schema =
        new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl), wiring);
    this.graphql = GraphQL.newGraphQL(schema).build();
  }

  /** Runs a query as {@code accessKey}. */
  public ExecutionResult execute(
      String accessKey, String query, Map<String, Object> variables, String operation) {
    ExecutionInput.Builder in = ExecutionInput.newExecutionInput()
        .query(query)
        .variables(variables == null ? Map.of() : variables)
        .graphQLContext(Map.of(CALLER, accessKey));
    if (operation != null && !operation.isBlank()) {
      in.operationName(operation);
    }
    return graphql.execute(in.build());
  }

  private static GraphQLScalarType stringScalar(String name, String description) {
    return GraphQLScalarType.newScalar()
        .name(name)
        .description(description)
        .coercing(new Coercing<String, String>() {
          @Override
          public String serialize(Object v, GraphQLContext c, Locale l) {
            return v.toString();
          }

          @Override
          public String parseValue(Object v, GraphQLContext c, Locale l) {
            return v.toString();
          }

          @Override
          public String parseLiteral(
              Value<?> v, CoercedVariables vars, GraphQLContext c, Locale l) {
            if (v instanceof StringValue s) {
              return s.getValue();
            }
            throw new CoercingParseLiteralException(name + " literal must be a string");
          }
        })
        .build();
  }

  private String caller(DataFetchingEnvironment env) {
    return env.getGraphQlContext().get(CALLER);
  }

  /** The caller's sessions, unless another key is asked for (then none: no admin rights here). */
  private List<Session> mine(DataFetchingEnvironment env) {
    String ak = env.getArgument("access_key");
    String me = caller(env);
    if (ak != null && !ak.equals(me)) {
      return List.of();
    }
    return registry.list(me);
  }

  private static Set<String> statuses(String status) {
    if (status == null || status.isBlank() || status.equalsIgnoreCase("ALL")) {
      return null;
    }
    return Arrays.stream(status.split(","))
        .map(s -> s.trim().toUpperCase(Locale.ROOT))
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  private static boolean matches(Session s, Set<String> wanted) {
    return wanted == null || wanted.contains(s.status().name());
  }

  private Object computeSessions(DataFetchingEnvironment env) {
    Set<String> wanted = statuses(env.getArgument("status"));
    return mine(env).stream()
        .filter(s -> matches(s, wanted))
        .limit(100)
        .map(this::toMap)
        .toList();
  }

  private Object computeSession(DataFetchingEnvironment env) {
    String ref = env.getArgument("id");
    if (ref == null) {
      ref = env.getArgument("sess_id");
    }
    if (ref == null) {
      return null;
    }
    return registry.findAny(caller(env), ref).map(this::toMap).orElse(null);
  }

  private Object computeSessionList(DataFetchingEnvironment env) {
    int limit = env.getArgument("limit");
    int offset = env.getArgument("offset");
    if (limit < 0 || offset < 0) {
      throw new IllegalArgumentException("limit and offset must not be negative");
    }
    Set<String> wanted = statuses(env.getArgument("status"));
    List<Session> all = mine(env).stream().filter(s -> matches(s, wanted)).toList();
    List<Map<String, Object>> items =
        all.stream().skip(offset).limit(Math.min(limit, 100)).map(this::toMap).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", items);
    out.put("total_count", all.size());
    return out;
  }

  private Object keypair(DataFetchingEnvironment env) {
    String ak = env.getArgument("access_key");
    String me = caller(env);
    if (ak != null && !ak.equals(me)) {
      return null;
    }
    Keypair kp = keys.find(me).orElse(null);
    if (kp == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user_id", "local-user");
    m.put("access_key", kp.accessKey());
    m.put("secret_key", kp.secretKey());
    m.put("is_active", kp.active());
    m.put("is_admin", kp.admin());
    m.put("resource_policy", "default");
    m.put("concurrency_limit", kp.concurrencyLimit());
    m.put("concurrency_used", registry.liveCount(me));
    m.put("rate_limit", kp.rateLimit());
    m.put("num_queries", (int) Math.min(Integer.MAX_VALUE, keys.numQueries(me)));
    m.put("created_at", iso(kp.createdAt()));
    m.put("last_used", keys.lastUsed(me).map(GraphQLService::iso).orElse(null));
    return m;
  }

  private Object images(DataFetchingEnvironment env) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String rt : runtimes.get()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", rt);
      m.put("tag", "local");
      m.put("registry", "local");
      m.put("architecture", architecture());
      m.put("digest", null);
      m.put("humanized_name", rt);
      m.put("installed", true);
      m.put("is_local", true);
      m.put("aliases", List.of());
      out.add(m);
    }
    return out;
  }

  private List<Folder> myFolders(DataFetchingEnvironment env) {
    String ak = env.getArgument("access_key");
    String me = caller(env);
    if (folders == null || (ak != null && !ak.equals(me))) {
      return List.of();
    }
    return folders.list(me);
  }

  private Object vfolders(DataFetchingEnvironment env) {
    // v4 has no trash bin: what a newer client trashed is gone for it
    return myFolders(env).stream().filter(f -> !f.trashed()).map(this::toMap).toList();
  }

  private Object vfolderList(DataFetchingEnvironment env) {
    int limit = env.getArgument("limit");
    int offset = env.getArgument("offset");
    if (limit < 0 || offset < 0) {
      throw new IllegalArgumentException("limit and offset must not be negative");
    }
    List<Folder> all = FolderFilter.parse(env.getArgument("filter")).apply(myFolders(env));
    String order = env.getArgument("order");
    if (order != null && !order.isBlank()) {
      all = FolderFilter.order(all, order);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "items",
        all.stream().skip(offset).limit(Math.min(limit, 100)).map(this::toMap).toList());
    out.put("total_count", all.size());
    return out;
  }

  private Map<String, Object> toMap(Folder f) {
    long[] usage = usage(folders.root(f));
    Map<String, Object> m = new LinkedHashMap<>();
    String user = UUID.nameUUIDFromBytes(("user:" + f.owner()).getBytes(StandardCharsets.UTF_8))
        .toString();
    m.put("id", f.id());
    m.put("host", f.host());
    m.put("quota_scope_id", "user:" + user);
    m.put("name", f.name());
    m.put("user", user);
    m.put("user_email", null);
    m.put("group", null);
    m.put("group_name", null);
    m.put("creator", null);
    m.put("domain_name", "default");
    m.put("unmanaged_path", null);
    m.put("usage_mode", f.usageMode());
    m.put("permission", f.permission());
    m.put("ownership_type", "user");
    m.put("max_files", 0);
    m.put("max_size", 0.0);
    m.put("created_at", iso(f.createdAt()));
    m.put("last_used", iso(f.createdAt()));
    m.put("num_files", (int) Math.min(Integer.MAX_VALUE, usage[0]));
    m.put("cur_size", (double) usage[1]);
    m.put("cloneable", false);
    m.put("status", f.status());
    return m;
  }

  /** Files and bytes under {@code root}, links not followed; zero when unreadable. */
  private static long[] usage(java.nio.file.Path root) {
    long[] u = new long[2];
    try (var walk = java.nio.file.Files.walk(root)) {
      walk.forEach(p -> {
        try {
          var a = java.nio.file.Files.readAttributes(
              p,
              java.nio.file.attribute.BasicFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
          if (!a.isDirectory()) {
            u[0]++;
            u[1] += a.size();
          }
        } catch (IOException e) {
          // deleted meanwhile
        }
      });
    } catch (IOException | UncheckedIOException e) {
      return u;
    }
    return u;
  }

  private Map<String, Object> toMap(Session s) {
    KernelStats st = s.stats();
    Map<String, Object> m = new LinkedHashMap<>();
    String id = s.id().toString();
    m.put("sess_id", s.name());
    m.put("id", id);
    m.put("session_id", id);
    m.put("role", "master");
    m.put("lang", s.image());
    m.put("status", s.status().name());
    m.put("status_info", s.statusInfo().isEmpty() ? null : s.statusInfo());
    m.put("created_at", iso(s.createdAt()));
    m.put("terminated_at", s.terminatedAt() == null ? null : iso(s.terminatedAt()));
    m.put("agent", "local");
    m.put("container_id", id.replace("-", ""));
    m.put("service_ports", "[]");
    m.put("mem_slot", 0);
    m.put("cpu_slot", 0.0);
    m.put("gpu_slot", 0.0);
    m.put("tpu_slot", 0.0);
    m.put("num_queries", s.numQueries());
    m.put("cpu_used", (double) st.cpuUsedMillis());
    m.put("mem_max_bytes", (double) st.memMaxBytes());
    m.put("mem_cur_bytes", (double) st.memCurBytes());
    for (String k : List.of(
        "net_rx_bytes",
        "net_tx_bytes",
        "io_read_bytes",
        "io_write_bytes",
        "io_max_scratch_size",
        "io_cur_scratch_size")) {
      m.put(k, 0.0);
    }
    m.put("tag", s.spec().tag());
    m.put("name", s.name());
    m.put("session_name", s.name());
    m.put("access_key", s.owner());
    m.put("priority", s.spec().priority());
    m.put("type", s.spec().type().toUpperCase(Locale.ROOT));
    m.put("sess_type", s.spec().type().toUpperCase(Locale.ROOT));
    m.put("image", s.image());
    m.put("architecture", architecture());
    m.put("registry", "local");
    m.put("group_name", "default");
    m.put(
        "group_id",
        UUID.nameUUIDFromBytes("group:default".getBytes(StandardCharsets.UTF_8)).toString());
    m.put("domain_name", "default");
    m.put(
        "user_id",
        UUID.nameUUIDFromBytes(("user:" + s.owner()).getBytes(StandardCharsets.UTF_8))
            .toString());
    m.put("user_email", null);
    m.put("status_changed", iso(s.statusChangedAt()));
    m.put("status_data", "{}");
    m.put("result", resultOf(s));
    m.put("occupying_slots", "{}");
    m.put("occupied_slots", "{}");
    m.put("requested_slots", "{}");
    m.put("scaling_group", "default");
    m.put("cluster_size", 1);
    m.put("cluster_mode", "SINGLE_NODE");
    m.put("startup_command", s.spec().startupCommand());
    m.put("starts_at", null);
    m.put("idle_checks", "{}");
    return m;
  }

  private static String resultOf(Session s) {
    SessionStatus st = s.status();
    if (st == SessionStatus.ERROR) {
      return "FAILURE";
    }
    return st == SessionStatus.TERMINATED ? "SUCCESS" : "UNDEFINED";
  }

  static String iso(Instant t) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  static String architecture() {
    String a = System.getProperty("os.arch", "x86_64");
    return a.equals("amd64") ? "x86_64" : a.equals("arm64") ? "aarch64" : a;
  }
}
