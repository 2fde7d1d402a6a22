package ai.backend.client.cli.commands;

import ai.backend.client.Session;
import ai.backend.client.SessionListQuery;
import ai.backend.client.SessionPage;
import ai.backend.client.SessionSummary;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.Main;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ps}: list compute sessions (GraphQL, spec §7). */
@Command(name = "ps", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"List compute sessions (by default the active ones: pending, starting, running, terminating, error).",
        "With --output json: {\"count\", \"total_count\", \"items\": [...]}."})
public final class PsCommand implements Callable<Integer> {
  static final List<String> RUNNING = List.of("CREATING", "RUNNING", "RUNNING_DEGRADED");
  static final List<String> DEAD = List.of("CANCELLED", "TERMINATED");

  @Option(names = {"-s", "--status"}, split = ",", paramLabel = "STATUS",
      description = "Only sessions with these statuses (comma-separated or repeated), e.g. RUNNING,TERMINATED; ALL for every status.")
  List<String> statuses = new ArrayList<>();

  @Option(names = {"-a", "--all"}, description = "Every status, including terminated and cancelled sessions.")
  boolean all;

  @Option(names = "--running", description = "Only creating and running sessions.")
  boolean running;

  @Option(names = "--dead", description = "Only terminated and cancelled sessions.")
  boolean dead;

  @Option(names = "--name-only", description = "Print only the session names, one per line.")
  boolean nameOnly;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Show at most N sessions (default: all).")
  int limit;

  @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N sessions.")
  int offset;

  @Override
  public Integer call() {
    Cli cli = Main.cli();
    List<String> wanted = new ArrayList<>();
    for (String s : statuses) {
      wanted.add(s.trim().toUpperCase(Locale.ROOT));
    }
    if (all || wanted.contains("ALL")) {
      wanted = List.of();
    } else if (running) {
      wanted = RUNNING;
    } else if (dead) {
      wanted = DEAD;
    } else if (wanted.isEmpty()) {
      wanted = SessionListQuery.ACTIVE;
    }
    Session session = cli.backend.session();
    List<SessionSummary> items = new ArrayList<>();
    long total = 0;
    int off = offset;
    while (true) {
      int want = limit > 0 ? Math.min(100, limit - items.size()) : 100;
      SessionPage page = session.admin().listSessions(new SessionListQuery(wanted, want, off, null));
      total = page.totalCount();
      items.addAll(page.items());
      off += page.items().size();
      if (page.items().size() < want || (limit > 0 && items.size() >= limit) || off >= total) {
        break;
      }
    }
    if (cli.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (SessionSummary s : items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("session_id", s.id());
        m.put("image", s.image());
        m.put("type", s.type());
        m.put("status", s.status());
        m.put("status_info", s.raw().get("status_info"));
        m.put("created_at", s.createdAt());
        rows.add(m);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("count", rows.size());
      out.put("total_count", total);
      out.put("items", rows);
      cli.printJson(out);
      return 0;
    }
    if (nameOnly) {
      items.forEach(s -> cli.term.out.println(s.name()));
      cli.term.out.flush();
      return 0;
    }
    if (items.isEmpty()) {
      cli.term.out.println("No matching items.");
      cli.term.out.flush();
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (SessionSummary s : items) {
      rows.add(List.of(nz(s.name()), nz(s.id()), nz(s.image()), nz(s.type()), nz(s.status()),
          nz(s.raw().get("status_info")), nz(s.createdAt())));
    }
    cli.printTable(List.of("Name", "Session ID", "Image", "Type", "Status", "Status Info", "Created At"), rows);
    if (limit == 0 && total > items.size() + offset) {
      cli.term.info("Showing " + items.size() + " of " + total + " sessions.");
    }
    return 0;
  }

  private static String nz(Object o) {
    return o == null ? "" : String.valueOf(o);
  }
}
