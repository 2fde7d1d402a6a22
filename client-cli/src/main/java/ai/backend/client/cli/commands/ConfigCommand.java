package ai.backend.client.cli.commands;

import ai.backend.client.Config;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.LocalServerManager;
import ai.backend.client.internal.TransportDiscovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code config}: the effective configuration, secret masked. Never starts anything. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      ConfigCommand.SUMMARY,
      "Without BACKEND_ENDPOINT this is the local server's, if one is running."
    })
public final class ConfigCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY = "Show the effective configuration (secret masked).";

  private final Cli cli;

  public ConfigCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Config.Builder b = cli.backend.environmentOnly();
    Map<String, Object> m = new LinkedHashMap<>();
    String source;
    if (!b.hasEndpoint()) {
      LocalServerManager lm = LocalServerManager.fromEnvironment();
      Optional<LocalServerManager.State> st = lm.running();
      source = "local server (no BACKEND_ENDPOINT set)";
      m.put("local_state_dir", lm.dir().toString());
      if (st.isPresent()) {
        b.endpoint(st.get().endpoint).accessKey(st.get().accessKey).secretKey(st.get().secretKey);
        m.put("local_server", "running (pid " + st.get().pid + ")");
      } else {
        m.put("local_server", "not running (starts on first use)");
      }
    } else {
      source = "environment (BACKEND_ENDPOINT)";
    }
    boolean complete = b.hasEndpoint() && b.hasCredentials();
    Config c = complete ? b.build() : null;
    m.put("endpoint", c != null ? c.endpoint().toString() : null);
    m.put("endpoint_source", source);
    m.put("access_key", c != null ? c.accessKey() : null);
    m.put("secret_key", c != null ? mask(c.secretKey()) : null);
    if (c != null) {
      m.put(
          "api_version",
          c.apiVersion()
              .map(Object::toString)
              .orElse("negotiated (max " + c.maxApiVersion() + ")"));
      m.put("domain", c.domain());
      m.put("group", c.group());
      m.put("vfolder_mounts", c.vfolderMounts());
      m.put("skip_sslcert_validation", c.skipSslCertValidation());
      m.put("connection_timeout", c.connectTimeout().toMillis() / 1000.0);
      m.put("read_timeout", c.readTimeout().map(d -> d.toMillis() / 1000.0).orElse(null));
      m.put("call_timeout", c.callTimeout().map(d -> d.toMillis() / 1000.0).orElse(null));
      m.put("hash_type", c.hashType());
      m.put("user_agent", c.userAgent());
    }
    m.put("transport", Optional.ofNullable(transport()).orElse("auto"));
    m.put("client_version", Config.CLIENT_VERSION);
    if (cli.json()) {
      cli.printJson(m);
    } else {
      List<List<String>> rows = new ArrayList<>();
      m.forEach((k, v) -> rows.add(List.of(k, v == null ? "-" : String.valueOf(v))));
      cli.printTable(List.of("Key", "Value"), rows);
    }
    return 0;
  }

  private static String transport() {
    return TransportDiscovery.preferredName();
  }

  /** Shows the first 4 characters of a long secret and nothing of a short one. */
  static String mask(char[] secret) {
    if (secret == null || secret.length == 0) {
      return null;
    }
    String s = secret.length >= 16 ? new String(secret, 0, 4) + "*".repeat(8) : "*".repeat(8);
    java.util.Arrays.fill(secret, '\0');
    return s + " (" + secret.length + " chars)";
  }
}
