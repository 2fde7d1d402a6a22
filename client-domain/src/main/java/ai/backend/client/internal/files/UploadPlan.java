package ai.backend.client.internal.files;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The validated list of files for a session upload (spec §6.1): each file gets the name the server
 * will store it under ({@code /home/work/<name>}), i.e. its path relative to the base directory with
 * {@code '/'} separators. Directories are expanded recursively. Everything is checked up front so
 * that a bad file fails the call before any request is sent.
 */
public final class UploadPlan {

  /** Spec §6.1: the 21st part of one request is refused with 400 "Too many files". */
  public static final int DEFAULT_MAX_FILES_PER_REQUEST = 20;

  /** Spec §6.1: a file whose size reaches 1 MiB is refused with 400 "Too large file". */
  public static final long DEFAULT_MAX_FILE_SIZE = 1L << 20;

  /**
   * One file to upload.
   *
   * @param name the server-side name, relative, {@code '/'}-separated, never containing {@code ..}
   * @param path the absolute local path to read
   * @param size the size in bytes at planning time
   */
  public record Entry(String name, Path path, long size) {}

  /**
   * Server limits to check against.
   *
   * @param maxFilesPerRequest files per request; {@link #batches()} splits accordingly
   * @param maxFileSize exclusive upper bound of a single file's size, in bytes
   */
  public record Limits(int maxFilesPerRequest, long maxFileSize) {
    public static final Limits DEFAULT =
        new Limits(DEFAULT_MAX_FILES_PER_REQUEST, DEFAULT_MAX_FILE_SIZE);

    public Limits {
      if (maxFilesPerRequest < 1) {
        throw new IllegalArgumentException("maxFilesPerRequest must be >= 1");
      }
      if (maxFileSize < 1) {
        throw new IllegalArgumentException("maxFileSize must be >= 1");
      }
    }
  }

  private final List<Entry> entries;
  private final Limits limits;

  private UploadPlan(List<Entry> entries, Limits limits) {
    this.entries = List.copyOf(entries);
    this.limits = limits;
  }

  /** Plans with the server's default limits; see {@link #of(Path, Collection, Limits)}. */
  public static UploadPlan of(Path baseDir, Collection<Path> files) {
    return of(baseDir, files, Limits.DEFAULT);
  }

  /**
   * Plans an upload.
   *
   * @param baseDir the directory names are relative to (the SDK passes the working directory by
   *     default); relative paths are resolved against the JVM's working directory
   * @param files files or directories, absolute or relative to the working directory; directories
   *     are expanded recursively (in name order); duplicates are uploaded once
   * @throws UploadRejectedException if a file is missing, lies outside {@code baseDir} (also via a
   *     symbolic link), is not a regular file or directory, or reaches the size limit
   */
  public static UploadPlan of(Path baseDir, Collection<Path> files, Limits limits) {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(limits, "limits");
    Path base = Objects.requireNonNull(baseDir, "baseDir").toAbsolutePath().normalize();
    Path baseReal;
    try {
      baseReal = base.toRealPath();
    } catch (IOException e) {
      throw new UploadRejectedException(baseDir, "base directory not found: " + baseDir, e);
    }
    if (!Files.isDirectory(baseReal)) {
      throw new UploadRejectedException(baseDir, "base directory is not a directory: " + baseDir);
    }
    Planner planner = new Planner(base, baseReal, limits);
    for (Path file : files) {
      planner.add(Objects.requireNonNull(file, "file"));
    }
    return new UploadPlan(new ArrayList<>(planner.byName.values()), limits);
  }

  /** All files, in the order given (directories expanded in place). */
  public List<Entry> entries() {
    return entries;
  }

  /** The entries split into consecutive requests of at most {@code maxFilesPerRequest} files. */
  public List<List<Entry>> batches() {
    List<List<Entry>> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i += limits.maxFilesPerRequest()) {
      out.add(entries.subList(i, Math.min(entries.size(), i + limits.maxFilesPerRequest())));
    }
    return List.copyOf(out);
  }

  /** Sum of all file sizes. */
  public long totalBytes() {
    return entries.stream().mapToLong(Entry::size).sum();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  private static final class Planner {
    private final Path base;
    private final Path baseReal;
    private final Limits limits;
    private final Map<String, Entry> byName = new LinkedHashMap<>();

    Planner(Path base, Path baseReal, Limits limits) {
      this.base = base;
      this.baseReal = baseReal;
      this.limits = limits;
    }

    void add(Path given) {
      Path abs = given.toAbsolutePath().normalize();
      Path real = realPathOf(given, abs);
      if (Files.isDirectory(real)) {
        expand(given, abs);
      } else {
        addFile(given, abs, real);
      }
    }

    private void expand(Path given, Path dir) {
      try {
        // FOLLOW_LINKS so that symlinked files and directories are uploaded by content; every file
        // is still checked to be inside the base directory, and cycles surface as errors.
        Files.walkFileTree(
            dir,
            EnumSet.of(FileVisitOption.FOLLOW_LINKS),
            Integer.MAX_VALUE,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                checkInside(given, d, realPathOf(d, d));
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                addFile(f, f.toAbsolutePath().normalize(), realPathOf(f, f));
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path f, IOException e) {
                if (e instanceof FileSystemLoopException) {
                  throw new UploadRejectedException(f, "symbolic link loop in directory: " + f, e);
                }
                throw new UploadRejectedException(f, "cannot read " + f + ": " + e, e);
              }
            });
      } catch (IOException e) {
        throw new UploadRejectedException(given, "cannot read directory " + given + ": " + e, e);
      }
    }

    private void addFile(Path given, Path abs, Path real) {
      String name = checkInside(given, abs, real);
      if (!Files.isRegularFile(real)) {
        throw new UploadRejectedException(given, "not a regular file: " + given);
      }
      long size;
      try {
        size = Files.size(real);
      } catch (IOException e) {
        throw new UploadRejectedException(given, "cannot read " + given + ": " + e, e);
      }
      if (size >= limits.maxFileSize()) {
        throw new UploadRejectedException(
            given,
            "file too large: "
                + given
                + " is "
                + size
                + " bytes; server limit: each uploaded file must be smaller than "
                + describe(limits.maxFileSize()));
      }
      byName.putIfAbsent(name, new Entry(name, abs, size));
    }

    /** Returns the upload name of a path, refusing anything that resolves outside the base. */
    private String checkInside(Path given, Path abs, Path real) {
      if (!real.startsWith(baseReal)) {
        throw new UploadRejectedException(
            given, "file is outside the base directory " + base + ": " + given);
      }
      // Prefer the name as the user wrote it (a symlink keeps its own name); fall back to the
      // resolved location when the base was itself reached through a different link.
      Path rel = abs.startsWith(base) ? base.relativize(abs) : baseReal.relativize(real);
      String name = rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
      if (name.isEmpty() && !Files.isDirectory(real)) {
        throw new UploadRejectedException(given, "not a file inside the base directory: " + given);
      }
      return name;
    }

    private static Path realPathOf(Path given, Path abs) {
      try {
        return abs.toRealPath();
      } catch (NoSuchFileException e) {
        throw new UploadRejectedException(given, "no such file: " + given, e);
      } catch (IOException e) {
        throw new UploadRejectedException(given, "cannot resolve " + given + ": " + e, e);
      }
    }
  }

  private static String describe(long bytes) {
    if (bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB (" + bytes + " bytes)";
    }
    if (bytes % 1024 == 0) {
      return (bytes >> 10) + " KiB (" + bytes + " bytes)";
    }
    return bytes + " bytes";
  }
}
