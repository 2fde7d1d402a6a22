package ai.backend.client.cli.commands;

import ai.backend.client.cli.Cli;
import ai.backend.client.cli.proxy.ProxyServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code proxy}: the insecure local API proxy (spec §11). */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      ProxyCommand.SUMMARY,
      "The proxy is non-encrypted and non-authorized: it signs and forwards every request",
      "(and relays /stream/ and /wsproxy/ WebSockets) so plain HTTP tools can use the API.",
      "Use this only for development and testing! Stop it with Ctrl-C."
    })
public final class ProxyCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "Run an insecure local API proxy that signs requests for you.";

  private final Cli cli;

  public ProxyCommand(Cli cli) {
    this.cli = cli;
  }

  @Option(
      names = {"-b", "--bind"},
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = {"-p", "--port"},
      defaultValue = "8084",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--allow-origin",
      paramLabel = "ORIGIN",
      description =
          "A web origin (scheme://host[:port]) whose pages may call the proxy; repeatable. "
              + "Requests from any other web page are refused.")
  java.util.List<String> allowOrigins = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    var backend = cli.backend;
    var raw = backend.rawCalls(); // resolve the endpoint and negotiate first: fail before binding
    ProxyServer server =
        new ProxyServer(raw, bind, port, java.util.Set.copyOf(allowOrigins), cli.term);
    String host = bind.contains(":") ? "[" + bind + "]" : bind;
    cli.term.info("Starting an insecure API proxy at http://" + host + ":" + server.port()
        + " (forwarding to " + backend.config().endpoint() + ")");
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> {
              server.close();
              cli.term.info("Terminated.");
            },
            "proxy-shutdown"));
    server.serve();
    return 0;
  }
}
