package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Options of {@link Kernel#getOrCreate(Session, String, KernelOptions)} (spec §5.2). Immutable; build
 * with {@link #builder()}.
 *
 * <p>Version handling: fields a server generation does not know are never sent. Options that would
 * change the outcome on an older server (enqueue-only, max-wait, a non-interactive type, refusing reuse,
 * a startup command, group/domain on v4.20181215; priority before v8.20240915; resources other than
 * cpu/mem/gpu on v4.20181215) are <em>rejected</em> with {@link InvalidArgumentException} before
 * anything is sent, instead of being silently dropped.
 */
public final class KernelOptions {
  /** Session names: 4–64 ASCII word characters, dots and dashes, starting and ending with a word character. */
  public static final Pattern NAME_PATTERN = Pattern.compile("^(?=.{4,64}$)\\w[\\w.-]*\\w$");

  private final String name;
  private final String tag;
  private final Map<String, String> environ;
  private final List<VFolderMount> mounts;
  private final Map<String, Object> resources;
  private final ComputeSessionType type;
  private final boolean enqueueOnly;
  private final Duration maxWait;
  private final boolean reuseIfExists;
  private final String startupCommand;
  private final Integer priority;
  private final String group;
  private final String domain;
  private final Duration awaitRunning;

  private KernelOptions(Builder b) {
    this.name = b.name;
    this.tag = b.tag;
    this.environ = Map.copyOf(b.environ);
    this.mounts = List.copyOf(b.mounts);
    this.resources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.resources));
    this.type = b.type;
    this.enqueueOnly = b.enqueueOnly;
    this.maxWait = b.maxWait;
    this.reuseIfExists = b.reuseIfExists;
    this.startupCommand = b.startupCommand;
    this.priority = b.priority;
    this.group = b.group;
    this.domain = b.domain;
    this.awaitRunning = b.awaitRunning;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options with a generated name and nothing else. */
  public static KernelOptions defaults() {
    return builder().build();
  }

  /** Checks a session name against {@link #NAME_PATTERN}. */
  public static String validateName(String name) {
    if (name == null || !NAME_PATTERN.matcher(name).matches()) {
      throw new InvalidArgumentException(
          "invalid session name " + (name == null ? "null" : "'" + name + "'")
              + ": it must be 4-64 characters of letters, digits, '_', '.' or '-', starting and ending with a"
              + " letter, digit or '_'");
    }
    return name;
  }

  /** A name as the Python SDK generates it ({@code uuid4().hex}). */
  public static String generateName() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** The session name (the v4 client token); null means "generate one". */
  public String name() {
    return name;
  }

  public String tag() {
    return tag;
  }

  public Map<String, String> environ() {
    return environ;
  }

  /** Names of the vfolders to mount (the config's {@code BACKEND_VFOLDER_MOUNTS} are appended on create). */
  public List<String> mounts() {
    return mounts.stream().map(VFolderMount::name).toList();
  }

  /** The vfolders to mount with their paths and read-only flags. */
  public List<VFolderMount> vfolderMounts() {
    return mounts;
  }

  /** Resource slots, e.g. {@code cpu=2, mem="4g"}. */
  public Map<String, Object> resources() {
    return resources;
  }

  /** The session type, or null for the server default (interactive). */
  public ComputeSessionType type() {
    return type;
  }

  public boolean enqueueOnly() {
    return enqueueOnly;
  }

  /** How long the server may wait for the session to start, or null for the server default. */
  public Duration maxWait() {
    return maxWait;
  }

  public boolean reuseIfExists() {
    return reuseIfExists;
  }

  public String startupCommand() {
    return startupCommand;
  }

  public Integer priority() {
    return priority;
  }

  public String group() {
    return group;
  }

  public String domain() {
    return domain;
  }

  /**
   * With {@link #enqueueOnly()}: how long {@code getOrCreate} waits for the session to start, watching
   * session events; null to return right after enqueueing.
   */
  public Duration awaitRunning() {
    return awaitRunning;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.tag = tag;
    b.environ.putAll(environ);
    b.mounts.addAll(mounts);
    b.resources.putAll(resources);
    b.type = type;
    b.enqueueOnly = enqueueOnly;
    b.maxWait = maxWait;
    b.reuseIfExists = reuseIfExists;
    b.startupCommand = startupCommand;
    b.priority = priority;
    b.group = group;
    b.domain = domain;
    b.awaitRunning = awaitRunning;
    return b;
  }

  @Override
  public String toString() {
    return "KernelOptions[name=" + name + ", tag=" + tag + ", environ=" + environ.keySet()
        + ", mounts=" + mounts
        + ", resources=" + resources + ", type=" + type + ", enqueueOnly=" + enqueueOnly
        + ", maxWait=" + maxWait
        + ", reuseIfExists=" + reuseIfExists + ", priority=" + priority + ", group=" + group
        + ", domain=" + domain
        + "]";
  }

  /** Builder; not thread-safe. Invalid values fail in the setter, before anything is sent. */
  public static final class Builder {
    private String name;
    private String tag;
    private final Map<String, String> environ = new LinkedHashMap<>();
    private final List<VFolderMount> mounts = new ArrayList<>();
    private final Map<String, Object> resources = new LinkedHashMap<>();
    private ComputeSessionType type;
    private boolean enqueueOnly;
    private Duration maxWait;
    private boolean reuseIfExists = true;
    private String startupCommand;
    private Integer priority;
    private String group;
    private String domain;
    private Duration awaitRunning;

    private Builder() {}

    /** The session name (client token); validated now. */
    public Builder name(String name) {
      this.name = validateName(name);
      return this;
    }

    /** Same as {@link #name(String)}: the v4 API calls it the client session token. */
    public Builder clientToken(String token) {
      return name(token);
    }

    public Builder tag(String tag) {
      this.tag = tag;
      return this;
    }

    public Builder env(String key, String value) {
      environ.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder environ(Map<String, String> env) {
      env.forEach(this::env);
      return this;
    }

    /**
     * Mounts a vfolder: {@code NAME}, {@code NAME=PATH}, {@code NAME:PATH}, each optionally with
     * {@code :ro}; see {@link VFolderMount#parse}. A second mount of the same folder replaces the first.
     */
    public Builder mount(String spec) {
      return mount(VFolderMount.parse(Objects.requireNonNull(spec, "spec")));
    }

    public Builder mount(VFolderMount mount) {
      Objects.requireNonNull(mount, "mount");
      mounts.removeIf(m -> m.name().equals(mount.name()));
      mounts.add(mount);
      return this;
    }

    /** {@link #mount(String)} of each. */
    public Builder mounts(List<String> specs) {
      specs.forEach(this::mount);
      return this;
    }

    /** A resource slot: {@code cpu} (cores), {@code mem} (bytes or "512m"/"4g"), {@code gpu}, or any slot name. */
    public Builder resource(String slot, Object amount) {
      resources.put(Objects.requireNonNull(slot, "slot"), Objects.requireNonNull(amount, "amount"));
      return this;
    }

    public Builder resources(Map<String, ?> slots) {
      slots.forEach(this::resource);
      return this;
    }

    public Builder type(ComputeSessionType type) {
      this.type = type;
      return this;
    }

    public Builder enqueueOnly(boolean enqueueOnly) {
      this.enqueueOnly = enqueueOnly;
      return this;
    }

    public Builder maxWait(Duration maxWait) {
      if (maxWait != null && maxWait.isNegative()) {
        throw new InvalidArgumentException("maxWait must not be negative");
      }
      this.maxWait = maxWait;
      return this;
    }

    public Builder reuseIfExists(boolean reuse) {
      this.reuseIfExists = reuse;
      return this;
    }

    public Builder startupCommand(String command) {
      this.startupCommand = command;
      return this;
    }

    /** Scheduling priority 0–100 (v8.20240915+). */
    public Builder priority(int priority) {
      if (priority < 0 || priority > 100) {
        throw new InvalidArgumentException("priority must be within 0..100: " + priority);
      }
      this.priority = priority;
      return this;
    }

    public Builder group(String group) {
      this.group = group;
      return this;
    }

    public Builder domain(String domain) {
      this.domain = domain;
      return this;
    }

    /** Enqueue only, then wait up to {@code timeout} for the session to start (see {@link KernelOptions#awaitRunning()}). */
    public Builder awaitRunning(Duration timeout) {
      this.awaitRunning = Objects.requireNonNull(timeout, "timeout");
      this.enqueueOnly = true;
      return this;
    }

    public KernelOptions build() {
      return new KernelOptions(this);
    }
  }
}
