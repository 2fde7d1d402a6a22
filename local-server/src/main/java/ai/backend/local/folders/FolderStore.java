package ai.backend.local.folders;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The folders of every access key, one directory each under {@code <base>/<id>}: the files under
 * {@code data/}, the metadata in {@code folder.json}, written atomically (a temporary file moved into
 * place), so a crash leaves either the old or the new metadata. Metadata operations are serialized on
 * the store; file operations inside a folder are not (like a file system).
 */
public final class FolderStore {
  /** The one storage host of the local server. */
  public static final String HOST = "local";

  /** Folder names (spec §9): letters and digits, with {@code . _ -} inside. */
  public static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$");

  static final int MAX_NAME = 64;
  private static final Set<String> PERMISSIONS = Set.of("ro", "rw", "wd");
  private static final Set<String> USAGE_MODES = Set.of("general", "model", "data");
  private static final String META = "folder.json";
  private static final String DATA = "data";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
  private static final System.Logger LOG = System.getLogger(FolderStore.class.getName());

  private final Path base;
  private final Path staging;
  private final Clock clock;
  private final Map<String, Folder> byId = new LinkedHashMap<>();

  private FolderStore(Path base, Clock clock) {
    this.base = base;
    this.staging = base.resolve(".staging");
    this.clock = clock;
  }

  /**
   * Opens (creating if needed) the store in {@code base} and loads the folders kept there; what an
   * interrupted upload or deletion left in the staging directory is removed.
   */
  public static FolderStore open(Path base, Clock clock) throws IOException {
    FolderStore s = new FolderStore(Files.createDirectories(base).toRealPath(), clock);
    deleteTree(s.staging);
    Files.createDirectories(s.staging);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(s.base)) {
      for (Path d : ds) {
        Path meta = d.resolve(META);
        if (d.getFileName().toString().startsWith(".") || !Files.isRegularFile(meta)) {
          continue;
        }
        try {
          Folder f = read(meta);
          if (f.id().equals(d.getFileName().toString())) {
            s.byId.put(f.id(), f);
          }
        } catch (IOException | RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "skipping unreadable folder metadata " + meta, e);
        }
      }
    }
    return s;
  }

  /** Where uploads are written before they are moved into a folder (same file system). */
  public Path staging() {
    return staging;
  }

  /** The directory holding the folder's files. */
  public Path root(Folder f) {
    return base.resolve(f.id()).resolve(DATA);
  }

  /** Checks a folder name against the spec's pattern. */
  public static void checkName(String name) throws FolderException {
    if (name == null || name.isEmpty()) {
      throw new FolderException(FolderException.Kind.INVALID, "name is missing or empty!");
    }
    if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw new FolderException(
          FolderException.Kind.INVALID,
          "Invalid folder name '" + (name.length() > 80 ? name.substring(0, 80) + "..." : name)
              + "': at most " + MAX_NAME + " letters, digits, '.', '_' and '-', starting and "
              + "ending with a letter or digit.");
    }
  }

  /** Creates an empty folder owned by {@code owner}. */
  public synchronized Folder create(String owner, String name, String permission, String usageMode)
      throws FolderException, IOException {
    checkName(name);
    String perm = permission == null ? "rw" : permission.toLowerCase(Locale.ROOT);
    if (!PERMISSIONS.contains(perm)) {
      throw new FolderException(
          FolderException.Kind.INVALID, "permission must be one of ro, rw, wd: " + permission);
    }
    String mode = usageMode == null ? "general" : usageMode.toLowerCase(Locale.ROOT);
    if (!USAGE_MODES.contains(mode)) {
      throw new FolderException(
          FolderException.Kind.INVALID,
          "usage_mode must be one of general, model, data: " + usageMode);
    }
    if (byName(owner, name) != null) {
      throw new FolderException(
          FolderException.Kind.ALREADY_EXISTS, "A folder named " + name + " already exists.");
    }
    String id = UUID.randomUUID().toString().replace("-", "");
    Folder f = new Folder(id, name, HOST, owner, perm, mode, clock.instant(), Folder.READY, false);
    Files.createDirectories(base.resolve(id).resolve(DATA));
    write(f);
    byId.put(id, f);
    return f;
  }

  /** The owner's folders, oldest first, including those in the trash bin. */
  public synchronized List<Folder> list(String owner) {
    List<Folder> out = new ArrayList<>();
    for (Folder f : byId.values()) {
      if (f.owner().equals(owner)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * The owner's folder by UUID (hex, with or without dashes; tried first) or name.
   *
   * @throws FolderException NOT_FOUND when there is none
   */
  public synchronized Folder find(String owner, String ref) throws FolderException {
    if (ref != null) {
      String hex = ref.replace("-", "").toLowerCase(Locale.ROOT);
      Folder f = byId.get(hex);
      if (f != null && f.owner().equals(owner)) {
        return f;
      }
      f = byName(owner, ref);
      if (f != null) {
        return f;
      }
    }
    throw new FolderException(FolderException.Kind.NOT_FOUND, "No such folder: " + ref);
  }

  private Folder byName(String owner, String name) {
    for (Folder f : byId.values()) {
      if (f.owner().equals(owner) && f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** Renames a folder; its id and files stay. */
  public synchronized Folder rename(Folder f, String newName) throws FolderException, IOException {
    checkName(newName);
    Folder cur = current(f);
    Folder other = byName(cur.owner(), newName);
    if (other != null && !other.id().equals(cur.id())) {
      throw new FolderException(
          FolderException.Kind.ALREADY_EXISTS, "A folder named " + newName + " already exists.");
    }
    Folder renamed = cur.withName(newName);
    write(renamed);
    byId.put(renamed.id(), renamed);
    return renamed;
  }

  /** Moves a folder to the trash bin (status {@code delete-pending}); its files stay. */
  public synchronized Folder trash(Folder f) throws FolderException, IOException {
    Folder cur = current(f);
    if (cur.trashed()) {
      throw new FolderException(
          FolderException.Kind.BAD_STATUS,
          "The folder " + cur.name() + " is already in the trash bin.");
    }
    return put(cur.withTrashed(true));
  }

  /** Takes a folder out of the trash bin. */
  public synchronized Folder restore(Folder f) throws FolderException, IOException {
    Folder cur = current(f);
    if (!cur.trashed()) {
      throw new FolderException(
          FolderException.Kind.BAD_STATUS,
          "The folder " + cur.name() + " is not in the trash bin.");
    }
    return put(cur.withTrashed(false));
  }

  /**
   * Deletes a folder and its files for good. The directory is first moved aside atomically, so a
   * crash in the middle leaves no half-deleted folder behind (the next open removes the rest).
   */
  public synchronized void delete(Folder f) throws FolderException, IOException {
    Folder cur = current(f);
    Path dir = base.resolve(cur.id());
    Path aside = staging.resolve("deleting-" + cur.id());
    Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
    byId.remove(cur.id());
    deleteTree(aside);
  }

  private Folder current(Folder f) throws FolderException {
    Folder cur = byId.get(f.id());
    if (cur == null) {
      throw new FolderException(FolderException.Kind.NOT_FOUND, "No such folder: " + f.name());
    }
    return cur;
  }

  private Folder put(Folder f) throws IOException {
    write(f);
    byId.put(f.id(), f);
    return f;
  }

  private void write(Folder f) throws IOException {
    JsonObject o = new JsonObject();
    o.addProperty("id", f.id());
    o.addProperty("name", f.name());
    o.addProperty("host", f.host());
    o.addProperty("owner", f.owner());
    o.addProperty("permission", f.permission());
    o.addProperty("usage_mode", f.usageMode());
    o.addProperty("created_at", f.createdAt().toString());
    o.addProperty("status", f.status());
    o.addProperty("trashed", f.trashed());
    Path dir = base.resolve(f.id());
    Path tmp = Files.createTempFile(dir, ".folder", ".tmp");
    try {
      Files.writeString(tmp, GSON.toJson(o), StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp,
            dir.resolve(META),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Folder read(Path meta) throws IOException {
    JsonObject o =
        JsonParser.parseString(Files.readString(meta, StandardCharsets.UTF_8)).getAsJsonObject();
    boolean trashed = o.has("trashed") && o.get("trashed").getAsBoolean();
    return new Folder(
        o.get("id").getAsString(),
        o.get("name").getAsString(),
        o.has("host") ? o.get("host").getAsString() : HOST,
        o.get("owner").getAsString(),
        o.has("permission") ? o.get("permission").getAsString() : "rw",
        o.has("usage_mode") ? o.get("usage_mode").getAsString() : "general",
        Instant.parse(o.get("created_at").getAsString()),
        trashed ? Folder.DELETE_PENDING : Folder.READY,
        trashed);
  }

  /** Deletes a tree without following symbolic links (a link is removed, never its target). */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        // session code may have made a directory read-only; its entries must still go
        dir.toFile().setWritable(true, true);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
