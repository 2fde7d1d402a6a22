package ai.backend.client;

import ai.backend.client.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Options of folder transfers ({@link VFolders#upload}, {@link VFolders#download} and their directory
 * forms). Immutable; {@link #defaults()} resumes after broken connections (up to 8 failures in a row,
 * backoff from 200 ms doubling to 10 s), reports no progress and refuses to overwrite a local file.
 *
 * <p>A storage-proxy (tus) upload that fails can also be resumed by a later call, from another
 * process too, when a {@link Builder#stateDir state directory} is set: its upload URL and token are
 * kept there in an owner-only file until it completes. None is set by default, so the SDK writes
 * nothing outside the transfer's own files unless asked ({@link #defaultStateDir()} is the CLI's).
 */
public final class TransferOptions {
  private static final TransferOptions DEFAULTS = builder().build();

  private final boolean resume;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final ProgressListener progress;
  private final CancelToken cancelToken;
  private final String expectedSha256;
  private final List<String> include;
  private final List<String> exclude;
  private final boolean overwrite;
  private final Path stateDir;

  private TransferOptions(Builder b) {
    this.resume = b.resume;
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.progress = b.progress;
    this.cancelToken = b.cancelToken;
    this.expectedSha256 = b.expectedSha256;
    this.include = List.copyOf(b.include);
    this.exclude = List.copyOf(b.exclude);
    this.overwrite = b.overwrite;
    this.stateDir = b.stateDir;
  }

  public static TransferOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether a broken transfer goes on from where it stopped (default true). */
  public boolean resume() {
    return resume;
  }

  /** Failures in a row (without progress in between) before giving up. */
  public int maxRetries() {
    return maxRetries;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Bytes done and total (-1 when unknown); for a directory, over all its files. */
  public ProgressListener progress() {
    return progress;
  }

  /** The token that stops a blocking transfer, or null. */
  public CancelToken cancelToken() {
    return cancelToken;
  }

  /** The SHA-256 (lower-case hex) a single-file transfer must match, or null. */
  public String expectedSha256() {
    return expectedSha256;
  }

  /** Globs of files a directory transfer takes (none: all); see {@link Builder#include}. */
  public List<String> include() {
    return include;
  }

  /** Globs of files and directories a directory transfer skips. */
  public List<String> exclude() {
    return exclude;
  }

  /** Whether a download may replace an existing local file (default false). */
  public boolean overwrite() {
    return overwrite;
  }

  /**
   * Where unfinished uploads are recorded for a later call to resume, or null (not recorded). Only
   * used while {@link #resume()} is on.
   */
  public Path stateDir() {
    return stateDir;
  }

  /**
   * {@code $HOME/.backend.ai/transfers}, the CLI's choice for {@link Builder#stateDir}: {@code $HOME}
   * as Unix tools read it (Java's {@code user.home} comes from the password database and ignores it),
   * else {@code user.home}.
   */
  public static Path defaultStateDir() {
    String home = System.getenv("HOME");
    Path base =
        home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    return base.resolve(".backend.ai").resolve("transfers");
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.resume = resume;
    b.maxRetries = maxRetries;
    b.initialBackoff = initialBackoff;
    b.maxBackoff = maxBackoff;
    b.progress = progress;
    b.cancelToken = cancelToken;
    b.expectedSha256 = expectedSha256;
    b.include.addAll(include);
    b.exclude.addAll(exclude);
    b.overwrite = overwrite;
    b.stateDir = stateDir;
    return b;
  }

  @Override
  public String toString() {
    return "TransferOptions[resume=" + resume + ", maxRetries=" + maxRetries + ", backoff="
        + initialBackoff + ".." + maxBackoff + ", include=" + include + ", exclude=" + exclude
        + ", overwrite=" + overwrite + ", stateDir=" + stateDir
        + (expectedSha256 != null ? ", sha256=" + expectedSha256 : "")
        + "]";
  }

  /** Builder; not thread-safe. */
  public static final class Builder {
    private boolean resume = true;
    private int maxRetries = 8;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private ProgressListener progress = ProgressListener.NONE;
    private CancelToken cancelToken;
    private String expectedSha256;
    private final List<String> include = new ArrayList<>();
    private final List<String> exclude = new ArrayList<>();
    private boolean overwrite;
    private Path stateDir;

    private Builder() {}

    /**
     * Where an unfinished upload's URL and token are kept for a later call to resume (e.g. {@link
     * TransferOptions#defaultStateDir()}); null (the default) keeps nothing, so only retries within
     * the call resume. The records
     * are owner-only files, deleted when their upload completes; one whose local file changed (size or
     * modification time) is not used, and one the server no longer knows (token expired, upload
     * terminated) is replaced by a fresh upload.
     */
    public Builder stateDir(Path dir) {
      this.stateDir = dir;
      return this;
    }

    public Builder resume(boolean resume) {
      this.resume = resume;
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new InvalidArgumentException("maxRetries must not be negative");
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** The first wait after a failure and the cap of the doubling ones. */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.isNegative() || max.compareTo(initial) < 0) {
        throw new InvalidArgumentException("backoff needs 0 <= initial <= max");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Builder progress(ProgressListener progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public Builder cancelToken(CancelToken cancelToken) {
      this.cancelToken = cancelToken;
      return this;
    }

    /** A SHA-256 in hex the transferred bytes must match (the server offers none to compare with). */
    public Builder expectedSha256(String hex) {
      if (hex != null) {
        try {
          if (HexFormat.of().parseHex(hex).length != 32) {
            throw new IllegalArgumentException();
          }
        } catch (IllegalArgumentException e) {
          throw new InvalidArgumentException("not a SHA-256 in hex: " + hex);
        }
        hex = hex.toLowerCase(Locale.ROOT);
      }
      this.expectedSha256 = hex;
      return this;
    }

    /**
     * Adds a glob a file must match (one of) to be transferred. Without {@code /} it is matched
     * against the file's name ({@code *.csv}), with {@code /} against its path relative to the
     * transferred directory ({@code data/**}); {@code **} crosses directories.
     */
    public Builder include(String glob) {
      include.add(Objects.requireNonNull(glob, "glob"));
      return this;
    }

    /**
     * Adds a glob of files or directories to skip; a name-only one ({@code .git}) is matched against
     * every name on the way, so it drops a whole subtree.
     */
    public Builder exclude(String glob) {
      exclude.add(Objects.requireNonNull(glob, "glob"));
      return this;
    }

    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    public TransferOptions build() {
      return new TransferOptions(this);
    }
  }
}
