package ai.backend.client.cli.commands;

import ai.backend.client.ApiVersion;
import ai.backend.client.VFolderInfo;
import ai.backend.client.VFolderInvitation;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vfolder}: virtual folders (spec §9), their files and transfers. */
@Command(
    name = "vfolder",
    mixinStandardHelpOptions = true,
    description = {
      VfolderCommand.SUMMARY,
      "A virtual folder is storage that outlives compute sessions: put data in it, mount it into "
          + "sessions with 'run -m NAME', fetch the results. Paths inside a folder are relative to its "
          + "root ('/inputs' and 'inputs' are the same). Transfers resume after a broken connection "
          + "and report the SHA-256 of what they moved.",
      "Examples:",
      "  backend.ai vfolder create mydata",
      "  backend.ai vfolder upload mydata ./inputs",
      "  backend.ai vfolder cp -r ./data mydata:/inputs/",
      "  backend.ai vfolder cp -r mydata:/results ./out",
      "  backend.ai run -m mydata python -c \"print(open('mydata/inputs/a.txt').read())\""
    },
    subcommands = {
      VfolderCommand.ListFolders.class,
      VfolderCommand.Create.class,
      VfolderCommand.Info.class,
      VfolderCommand.Delete.class,
      VfolderCommand.Rename.class,
      VfolderCommand.Restore.class,
      VfolderCommand.Purge.class,
      VfolderFileCommands.Ls.class,
      VfolderFileCommands.Mkdir.class,
      VfolderFileCommands.Rm.class,
      VfolderFileCommands.Mv.class,
      VfolderTransferCommands.Upload.class,
      VfolderTransferCommands.Download.class,
      VfolderTransferCommands.Cp.class,
      VfolderCommand.Invite.class,
      VfolderCommand.Invitations.class
    })
public final class VfolderCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "Manage virtual folders: create, list, files, upload, download, cp, share.";

  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public VfolderCommand(Cli cli) {
    // the context reaches the subcommands through the factory; the group itself needs none
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required (see 'backend.ai vfolder --help')");
  }

  static Map<String, Object> json(VFolderInfo f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", f.name());
    m.put("id", f.id());
    m.put("host", f.host());
    m.put("permission", f.permission());
    m.put("owner", f.owner());
    m.put("status", f.status());
    m.put("usageMode", f.usageMode());
    m.put("numFiles", f.numFiles());
    m.put("usedBytes", f.usedBytes());
    m.put("createdAt", f.createdAt());
    return m;
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }

  /** {@code vfolder list}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "list",
      description = "List the folders you own or were invited to.")
  static final class ListFolders extends VfolderSubcommand {
    ListFolders(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      return list(
          vfolders().list(),
          VfolderCommand::json,
          List.of("Name", "ID", "Host", "Permission", "Owner", "Status"),
          f -> List.of(
              text(f.name()),
              text(f.id()),
              text(f.host()),
              text(f.permission()),
              f.owner() ? "yes" : "no",
              text(f.status())));
    }
  }

  /** {@code vfolder create NAME [--host HOST]}. */
  @Command(mixinStandardHelpOptions = true, name = "create", description = "Create a folder.")
  static final class Create extends VfolderSubcommand {
    Create(Cli cli) {
      super(cli);
    }

    @Parameters(index = "0", paramLabel = "NAME", description = "The folder's name.")
    String name;

    @Option(
        names = "--host",
        paramLabel = "HOST",
        description = "Storage host (default: the server's default; 'local' on local-server).")
    String host;

    @Override
    public Integer call() {
      VFolderInfo f = vfolders().create(name, host);
      return done(
          json(f),
          "Virtual folder " + f.name() + " created (id " + f.id()
              + (f.host() != null ? ", host " + f.host() : "") + ").");
    }
  }

  /** {@code vfolder info NAME}. */
  @Command(mixinStandardHelpOptions = true, name = "info", description = "Show a folder's details.")
  static final class Info extends VfolderSubcommand.OnFolder {
    Info(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      Map<String, Object> m = json(vfolders().info(name));
      if (cli.json()) {
        cli.printJson(m);
        return 0;
      }
      int w = m.keySet().stream().mapToInt(String::length).max().orElse(0);
      m.forEach((k, v) -> {
        if (v != null) {
          cli.term.out.println(k + " ".repeat(w - k.length() + 2) + v);
        }
      });
      cli.term.out.flush();
      return 0;
    }
  }

  /** {@code vfolder delete NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "delete",
      description = {
        "Delete a folder.",
        "Since API v8.20240315 it goes to the trash: 'vfolder restore' brings it back, "
            + "'vfolder purge' deletes it for good."
      })
  static final class Delete extends VfolderSubcommand.OnFolder {
    Delete(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      var session = cli.backend.session();
      session.vfolders().delete(name);
      boolean trash = session.apiVersion().isAtLeast(ApiVersion.V8_20240315);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("deleted", true);
      m.put("trashed", trash);
      return done(
          m,
          trash
              ? "Virtual folder " + name + " moved to the trash (restore: 'vfolder restore " + name
                  + "', delete for good: 'vfolder purge " + name + "')."
              : "Virtual folder " + name + " deleted.");
    }
  }

  /** {@code vfolder rename NAME NEW_NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "rename",
      description = "Rename a folder (API v5 or later).")
  static final class Rename extends VfolderSubcommand.OnFolder {
    Rename(Cli cli) {
      super(cli);
    }

    @Parameters(index = "1", paramLabel = "NEW_NAME", description = "The new name.")
    String newName;

    @Override
    public Integer call() {
      vfolders().rename(name, newName);
      return done(
          Map.of("name", name, "newName", newName),
          "Virtual folder " + name + " renamed to " + newName + ".");
    }
  }

  /** {@code vfolder restore NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "restore",
      description = "Bring a folder back from the trash (API v8.20240315 or later).")
  static final class Restore extends VfolderSubcommand.OnFolder {
    Restore(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      vfolders().restore(name);
      return done(
          Map.of("name", name, "restored", true),
          "Virtual folder " + name + " restored from the trash.");
    }
  }

  /** {@code vfolder purge NAME}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "purge",
      description = "Delete a trashed folder for good (API v8.20240315 or later).")
  static final class Purge extends VfolderSubcommand.OnFolder {
    Purge(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      vfolders().purge(name);
      return done(Map.of("name", name, "purged", true), "Virtual folder " + name + " purged.");
    }
  }

  /** {@code vfolder invite NAME EMAILS... [--perm P]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "invite",
      description = "Invite users to share a folder.")
  static final class Invite extends VfolderSubcommand.OnFolder {
    Invite(Cli cli) {
      super(cli);
    }

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "EMAILS",
        description = "The users' e-mail addresses (or ids).")
    List<String> users = new ArrayList<>();

    @Option(
        names = {"-p", "--perm"},
        paramLabel = "PERM",
        defaultValue = "rw",
        completionCandidates = Perms.class,
        description =
            "Permission: ro (read), rw (read-write), wd (read-write-delete). Default: rw.")
    String perm;

    @Override
    public Integer call() {
      if (!List.of("ro", "rw", "wd", "rd").contains(perm)) {
        throw new CliException(ExitCode.USAGE, "--perm must be ro, rw or wd, not '" + perm + "'");
      }
      List<String> invited = vfolders().invite(name, perm, users);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("permission", perm);
      m.put("invited", invited);
      return done(
          m,
          "Invited " + invited.size() + " user(s) to " + name + " (" + perm + ")"
              + (invited.isEmpty() ? "." : ": " + String.join(", ", invited) + "."));
    }
  }

  /** The {@code --perm} values for completion. */
  static final class Perms extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Perms() {
      super(List.of("ro", "rw", "wd"));
    }
  }

  /** {@code vfolder invitations [list|accept ID|reject ID]}. */
  @Command(
      mixinStandardHelpOptions = true,
      name = "invitations",
      description = "List the invitations to you (default), or accept or reject one.",
      subcommands = {
        VfolderCommand.Invitations.ListInvitations.class,
        VfolderCommand.Invitations.Accept.class,
        VfolderCommand.Invitations.Reject.class
      })
  static final class Invitations extends VfolderSubcommand {
    Invitations(Cli cli) {
      super(cli);
    }

    @Override
    public Integer call() {
      return print(this);
    }

    static int print(VfolderSubcommand cmd) {
      return cmd.list(
          cmd.vfolders().invitations(),
          Invitations::json,
          List.of("ID", "Inviter", "Folder", "Permission", "State"),
          i -> List.of(
              text(i.id()),
              text(i.inviter()),
              text(i.vfolderName() != null ? i.vfolderName() : i.vfolderId()),
              text(i.permission()),
              text(i.state())));
    }

    private static Map<String, Object> json(VFolderInvitation i) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", i.id());
      m.put("inviter", i.inviter());
      m.put("permission", i.permission());
      m.put("state", i.state());
      m.put("createdAt", i.createdAt());
      m.put("vfolderId", i.vfolderId());
      m.put("vfolderName", i.vfolderName());
      return m;
    }

    /** {@code vfolder invitations list}. */
    @Command(
        mixinStandardHelpOptions = true,
        name = "list",
        description = "List the pending invitations to you.")
    static final class ListInvitations extends VfolderSubcommand {
      ListInvitations(Cli cli) {
        super(cli);
      }

      @Override
      public Integer call() {
        return print(this);
      }
    }

    /** An answer to an invitation. */
    abstract static class OnInvitation extends VfolderSubcommand {
      @Parameters(index = "0", paramLabel = "ID", description = "The invitation id.")
      String id;

      OnInvitation(Cli cli) {
        super(cli);
      }
    }

    /** {@code vfolder invitations accept ID}. */
    @Command(
        mixinStandardHelpOptions = true,
        name = "accept",
        description = "Accept an invitation.")
    static final class Accept extends OnInvitation {
      Accept(Cli cli) {
        super(cli);
      }

      @Override
      public Integer call() {
        vfolders().acceptInvitation(id);
        return done(Map.of("id", id, "accepted", true), "Invitation " + id + " accepted.");
      }
    }

    /** {@code vfolder invitations reject ID}. */
    @Command(
        mixinStandardHelpOptions = true,
        name = "reject",
        description = "Reject an invitation.")
    static final class Reject extends OnInvitation {
      Reject(Cli cli) {
        super(cli);
      }

      @Override
      public Integer call() {
        vfolders().rejectInvitation(id);
        return done(Map.of("id", id, "rejected", true), "Invitation " + id + " rejected.");
      }
    }
  }
}
