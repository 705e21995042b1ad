package io.privateendpoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.privateendpoint.e2e.support.OperatorProcess;
import io.privateendpoint.e2e.support.Tar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The operator's container image, as {@code hack/build-image.sh} writes it: no Docker engine runs here, so
 * the tarball is read as {@code docker load} and an OCI runtime read it — the docker-archive manifest, the
 * OCI index, every blob against its digest, the config the chart relies on (numeric non-root user, the
 * exact entrypoint, /app) and the files that entrypoint needs, with their owners and modes. As root (CI
 * is), the layers are then unpacked in order into a root file system that runs in new mount and PID
 * namespaces the way the chart runs the pod — root file system read-only, a tmpfs on /tmp, the image's
 * environment only, working directory /app, user 65532:65532 — and the Java runtime inside must start:
 * {@code java -version} says 21, the modules the operator relies on are there, the trust store holds the
 * clouds' roots, and the entrypoint itself prints the operator's {@code --help}.
 *
 * <p>The image is built from the jar Maven just packaged ({@code hack/build-image.sh --jar}; the Debian
 * packages and the jlinked runtime come from its cache, ~/.cache/kpe/image). {@code -Dkpe.image.tarball=<tar>}
 * checks a given tarball instead.
 */
class ImageTarballIT {

  private static final String NAME = "kafka-private-endpoint-operator";
  private static final String JAR = "/app/kafka-private-endpoint-operator.jar";
  private static final String JAVA = "/opt/java/bin/java";
  // The flags of config/jvm/operator-flags, which the image and OperatorProcess share.
  private static final List<String> ENTRYPOINT = java.util.stream.Stream.of(List.of(JAVA), OperatorProcess.jvmFlags(),
      List.of("-jar", JAR)).flatMap(List::stream).toList();
  /** The proxy Deployment's command: the same image, the proxy's jars. */
  private static final List<String> PROXY_COMMAND = List.of(JAVA, "-XX:MaxRAMPercentage=75", "-cp",
      "/app/proxy/kpe-proxy.jar:/app/proxy/lib/*", "io.privateendpoint.proxy.ProxyMain", "/config/proxy.yaml");
  private static final int NONROOT = 65532;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Mounts as the chart has them, then runs the rest of its arguments with an empty environment. */
  private static final String NAMESPACE_SETUP = """
      r="$1"; shift
      mount --make-rprivate /
      mount --bind "$r" "$r"
      mount -o remount,bind,ro "$r"
      mount -t proc proc "$r/proc"
      mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
      mount --rbind /dev "$r/dev"
      exec env -i "$@"
      """;

  @TempDir
  static Path work;

  private static Path layout;
  private static JsonNode dockerManifest;
  private static JsonNode index;
  private static JsonNode config;
  private static List<Path> layers;
  /** The file system the layers make, later layers over earlier ones: path without leading '/' to entry. */
  private static final Map<String, Tar.Entry> files = new LinkedHashMap<>();

  @BeforeAll
  static void openTheTarball() throws Exception {
    Path tarball = tarball();
    layout = Files.createDirectories(work.resolve("layout"));
    try (InputStream in = Files.newInputStream(tarball)) {
      Tar.walk(in, (entry, content) -> {
        assertThat(entry.name()).as("a member of the tarball").doesNotStartWith("/").doesNotContain("..");
        if (entry.isFile()) {
          Path target = layout.resolve(entry.name());
          Files.createDirectories(target.getParent());
          Files.copy(content, target);
        }
      });
    }
    dockerManifest = JSON.readTree(layout.resolve("manifest.json").toFile());
    index = JSON.readTree(layout.resolve("index.json").toFile());
    assertThat(dockerManifest).as("manifest.json: one image").hasSize(1);
    config = JSON.readTree(layout.resolve(dockerManifest.get(0).get("Config").asText()).toFile());
    layers = new ArrayList<>();
    for (JsonNode layer : dockerManifest.get(0).get("Layers")) {
      Path file = layout.resolve(layer.asText());
      layers.add(file);
      try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
        for (Tar.Entry entry : Tar.read(in, 1 << 20)) {
          files.put(normalise(entry.name()), entry);
        }
      }
    }
  }

  @Test
  void isNamedAfterTheProjectVersionWithoutSnapshot() throws Exception {
    String tag = projectVersion().replaceFirst("-SNAPSHOT$", "");

    assertThat(dockerManifest.get(0).get("RepoTags")).extracting(JsonNode::asText).containsExactly(NAME + ":" + tag);
    assertThat(index.get("manifests")).hasSize(1);
    JsonNode annotations = index.get("manifests").get(0).get("annotations");
    assertThat(annotations.path("org.opencontainers.image.ref.name").asText()).isEqualTo(tag);
    assertThat(annotations.path("io.containerd.image.name").asText()).isEqualTo("docker.io/library/" + NAME + ":" + tag);
    assertThat(JSON.readTree(layout.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText()).isEqualTo("1.0.0");
    assertThat(config.at("/config/Labels/org.opencontainers.image.version").asText()).isEqualTo(tag);
  }

  @Test
  void everyBlobIsWhatItsDigestSaysAndBothIndexesNameTheSameImage() throws Exception {
    try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path blob : blobs.toList()) {
        assertThat(sha256(Files.newInputStream(blob))).as("digest of %s", blob.getFileName())
            .isEqualTo(blob.getFileName().toString());
      }
    }
    JsonNode descriptor = index.get("manifests").get(0);
    assertThat(descriptor.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    Path manifestFile = blob(descriptor.get("digest").asText());
    assertThat(Files.size(manifestFile)).isEqualTo(descriptor.get("size").asLong());
    JsonNode manifest = JSON.readTree(manifestFile.toFile());

    assertThat(blob(manifest.at("/config/digest").asText())).isEqualTo(layout.resolve(dockerManifest.get(0).get("Config").asText()));
    assertThat(Files.size(blob(manifest.at("/config/digest").asText()))).isEqualTo(manifest.at("/config/size").asLong());
    assertThat(manifest.get("layers")).hasSameSizeAs(layers);
    List<String> diffIds = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      JsonNode layer = manifest.get("layers").get(i);
      assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
      assertThat(blob(layer.get("digest").asText())).isEqualTo(layers.get(i));
      assertThat(Files.size(layers.get(i))).isEqualTo(layer.get("size").asLong());
      diffIds.add("sha256:" + sha256(new GZIPInputStream(Files.newInputStream(layers.get(i)))));
    }
    assertThat(config.at("/rootfs/diff_ids")).extracting(JsonNode::asText).as("diff_ids: the layers uncompressed")
        .containsExactlyElementsOf(diffIds);
    assertThat(config.path("os").asText()).isEqualTo("linux");
    assertThat(config.path("architecture").asText()).isEqualTo("amd64");
  }

  @Test
  void runsAsTheNumericNonRootUser() {
    String user = config.at("/config/User").asText();

    assertThat(user).as("User: numeric uid:gid, so Kubernetes can check runAsNonRoot").matches("\\d+:\\d+")
        .isEqualTo(NONROOT + ":" + NONROOT);
    assertThat(Integer.parseInt(user.split(":")[0])).as("uid").isNotZero();
    assertThat(file("etc/passwd").text()).contains("nonroot:x:" + NONROOT + ":" + NONROOT + ":");
    assertThat(file("etc/group").text()).contains("nonroot:x:" + NONROOT + ":");
  }

  @Test
  void entrypointIsTheOneTheChartRunsFromApp() {
    assertThat(config.at("/config/Entrypoint")).extracting(JsonNode::asText).containsExactlyElementsOf(ENTRYPOINT);
    // The JVM's environment from the same file (MALLOC_ARENA_MAX).
    assertThat(config.at("/config/Env")).extracting(JsonNode::asText).containsAll(OperatorProcess.jvmEnvironment().entrySet()
        .stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    assertThat(config.at("/config/Cmd").isMissingNode() || config.at("/config/Cmd").isNull()
        || config.at("/config/Cmd").isEmpty()).as("no Cmd: the chart passes settings as environment variables").isTrue();
    assertThat(config.at("/config/WorkingDir").asText()).isEqualTo("/app");
    assertThat(resolve("app")).map(Tar.Entry::isDirectory).as("/app").contains(true);
  }

  @Test
  void theEntrypointsJavaAndJarAreInTheLayersWithSanePermissions() {
    Tar.Entry java = resolve(JAVA.substring(1)).orElseThrow(() -> new AssertionError(JAVA + " is not in the image"));
    assertThat(java.isFile()).as(JAVA + " is a file").isTrue();
    assertThat(java.mode() & 07777).as(JAVA + " mode").isEqualTo(0755);
    assertThat(java.uid()).as(JAVA + " owner").isZero();
    String interpreter = elfInterpreter(java.data());
    assertThat(resolve(interpreter.substring(1))).as("the ELF interpreter of java, %s", interpreter)
        .map(Tar.Entry::isFile).contains(true);
    assertThat(resolve("opt/java/lib/server/libjvm.so")).as("libjvm.so").isPresent();
    assertThat(resolve("opt/java/lib/modules")).as("the runtime's modules image").isPresent();

    Tar.Entry jar = resolve(JAR.substring(1)).orElseThrow(() -> new AssertionError(JAR + " is not in the image"));
    assertThat(jar.isFile()).as(JAR + " is a file").isTrue();
    assertThat(jar.mode() & 07777).as(JAR + " mode").isEqualTo(0644);
    assertThat(jar.uid()).as(JAR + " owner").isZero();
    assertThat(jar.size()).as(JAR + " size").isGreaterThan(1_000_000);

    // Nothing the operator runs can be changed by the user it runs as; only /tmp (mounted over by the
    // chart) and the user's home are writable; no set-id bits, no whiteouts.
    files.forEach((path, entry) -> {
      assertThat(path).as("no whiteout in a self-contained image").doesNotContain(".wh.");
      assertThat(entry.mode() & 06000).as("set-id bits on /%s", path).isZero();
      if (path.equals("home/nonroot")) {
        assertThat(entry.uid()).as("owner of /home/nonroot").isEqualTo(NONROOT);
      } else if (!entry.isSymlink()) {
        assertThat(entry.uid()).as("owner of /%s", path).isZero();
        assertThat(entry.gid()).as("group of /%s", path).isZero();
        assertThat(entry.mode() & 022).as("group/other write on /%s", path).isEqualTo(path.equals("tmp") ? 022 : 0);
      }
    });
    assertThat(files.get("tmp").mode() & 07777).as("/tmp mode").isEqualTo(01777);
  }

  @Test
  void theProxyAndExactlyItsBuiltLibrariesAreInTheImage() throws Exception {
    Tar.Entry proxyJar = file("app/proxy/kpe-proxy.jar");
    assertThat(proxyJar.mode() & 07777).isEqualTo(0644);
    assertThat(proxyJar.uid()).isZero();
    Path built = Path.of(System.getProperty("kpe.proxy.dir", Path.of(System.getProperty("kpe.root", ".."))
        .resolve("proxy/target").toString())).resolve("proxy-lib");
    List<String> expected;
    try (var jars = Files.list(built)) {
      expected = jars.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().toList();
    }
    List<String> inImage = files.keySet().stream().filter(p -> p.startsWith("app/proxy/lib/"))
        .map(p -> p.substring("app/proxy/lib/".length())).sorted().toList();
    assertThat(inImage).as("/app/proxy/lib").containsExactlyElementsOf(expected)
        .contains("kroxylicious-runtime-0.12.0.jar", "kafka-clients-4.0.0.jar", "log4j-slf4j2-impl-2.24.3.jar");
    for (String jar : inImage) {
      Tar.Entry entry = file("app/proxy/lib/" + jar);
      assertThat(entry.mode() & 07777).as(jar).isEqualTo(0644);
      assertThat(entry.size()).as(jar).isEqualTo(Files.size(built.resolve(jar)));
    }
  }

  @Test
  void theRuntimeRunsTheOperatorInAReadOnlyRootAsTheImageUser() throws Exception {
    Optional<String> unshare = onPath("unshare");
    boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    Assumptions.assumeTrue(root && unshare.isPresent() && onPath("mount").isPresent() && onPath("tar").isPresent(),
        "skipped: running the image's root file system needs root (to unpack the layers with their owners and to"
            + " make mount and PID namespaces), unshare, mount and tar; CI runs as root");

    Path rootfs = Files.createDirectories(work.resolve("rootfs"));
    for (Path layer : layers) {
      run(List.of("tar", "--numeric-owner", "-xzf", layer.toString(), "-C", rootfs.toString())).expectSuccess();
    }
    // Mount points a container runtime makes; the image has none of its own.
    Files.createDirectories(rootfs.resolve("proc"));
    Files.createDirectories(rootfs.resolve("dev"));

    Result settings = inImage(rootfs, unshare.get(), List.of(JAVA, "-XshowSettings:properties", "-version"));
    settings.expectSuccess();
    assertThat(settings.output()).contains("openjdk version \"21.", "java.specification.version = 21",
        "java.home = /opt/java", "user.dir = /app", "user.name = nonroot", "native.encoding = UTF-8");

    Result modules = inImage(rootfs, unshare.get(), List.of(JAVA, "--list-modules"));
    modules.expectSuccess();
    assertThat(modules.output()).contains("jdk.crypto.ec@21", "jdk.httpserver@21", "jdk.management@21",
        "java.net.http@21", "jdk.unsupported@21");
    assertThat(modules.output()).as("what the proxy's jars need (jdeps) and its extras").contains("java.rmi@21",
        "java.scripting@21", "java.security.sasl@21", "jdk.security.jgss@21", "jdk.naming.dns@21");

    Result trust = inImage(rootfs, unshare.get(), List.of("/opt/java/bin/keytool", "-list", "-cacerts", "-storepass", "changeit"));
    trust.expectSuccess();
    assertThat(trust.output()).as("the trust store for the clouds' TLS").contains("amazonrootca1", "gtsrootcar1");

    List<String> help = new ArrayList<>(ENTRYPOINT);
    help.add("--help");
    Result operator = inImage(rootfs, unshare.get(), help);
    operator.expectSuccess();
    assertThat(operator.output()).contains("Usage: java -jar kafka-private-endpoint-operator.jar", "--cluster-name",
        "KPE_CLUSTER_NAME");

    // The proxy Deployment's command, as the image's user in the read-only root, in a network namespace of its
    // own (no POD_IP: every interface): it parses the operator's config shape and binds its ports.
    Path configDir = Files.createDirectories(rootfs.resolve("config"));
    Files.writeString(configDir.resolve("proxy.yaml"), """
        management:
          bindAddress: ${POD_IP}
          port: 9190
          endpoints:
            prometheus: {}
        virtualClusters:
          - name: kafka-tidb-proxy
            targetCluster:
              bootstrapServers: 10.231.0.10:9092,10.231.0.11:9092
            clusterNetworkAddressConfigProvider:
              type: PlannedPorts
              config:
                bindAddress: ${POD_IP}
                bootstrapPort: 39092
                brokers:
                  - {nodeId: 0, port: 9093, advertisedHost: b0.usw2-az1.abc.example.com, advertisedPort: 9093}
        """);
    // The kubelet mounts an /etc/hosts naming the pod; log4j2 resolves the host's name when it starts.
    Files.writeString(rootfs.resolve("etc/hosts"), "127.0.0.1 localhost\n127.0.1.1 "
        + Files.readString(Path.of("/proc/sys/kernel/hostname")).trim() + "\n");
    String proxy = runUntil(inImageCommand(rootfs, unshare.get(), List.of("--net"), PROXY_COMMAND), "proxy started", 60);
    assertThat(proxy).contains("proxy started", "bootstrap 0.0.0.0:39092, broker ports {0=9093}", "management 0.0.0.0:9190")
        .doesNotContain("Exception", "ERROR"); // a WARN from Netty: this namespace has no NIC with a MAC, a pod has
  }

  // --- helpers --------------------------------------------------------------------------------------------

  private static Path tarball() throws Exception {
    String given = System.getProperty("kpe.image.tarball");
    if (given != null) {
      return Path.of(given).toAbsolutePath();
    }
    Path root = Path.of(System.getProperty("kpe.root", "..")).toAbsolutePath().normalize();
    Path jar = root.resolve("operator/target/kafka-private-endpoint-operator.jar");
    assertThat(jar).as("the operator's jar, packaged before the e2e tests").exists();
    Path tarball = work.resolve(NAME + "-image.tar");
    Path proxyDir = Path.of(System.getProperty("kpe.proxy.dir", root.resolve("proxy/target").toString()));
    assertThat(proxyDir.resolve("kpe-proxy.jar")).as("the proxy's jar, packaged before the e2e tests").exists();
    Result build = run(List.of("bash", root.resolve("hack/build-image.sh").toString(), "--jar", jar.toString(),
        "--proxy-dir", proxyDir.toString(),
        "--output", tarball.toString()), root, 20);
    System.out.print(build.output());
    build.expectSuccess();
    return tarball;
  }

  private static Result inImage(Path rootfs, String unshare, List<String> command) throws Exception {
    return run(inImageCommand(rootfs, unshare, List.of(), command));
  }

  private static List<String> inImageCommand(Path rootfs, String unshare, List<String> namespaces, List<String> command) {
    String[] user = config.at("/config/User").asText().split(":");
    List<String> line = new ArrayList<>(List.of(unshare, "--mount", "--pid", "--fork"));
    line.addAll(namespaces);
    // A network namespace of its own gets its loopback up, as a pod's has.
    String setup = namespaces.contains("--net") ? "ip link set lo up\n" + NAMESPACE_SETUP : NAMESPACE_SETUP;
    line.addAll(List.of("--", "sh", "-euc", setup, "sh", rootfs.toString()));
    config.at("/config/Env").forEach(variable -> line.add(variable.asText()));
    line.addAll(List.of(unshare, "--root=" + rootfs, "--wd=" + config.at("/config/WorkingDir").asText(),
        "--setgid=" + user[1], "--setuid=" + user[0], "--"));
    line.addAll(command);
    return line;
  }

  /** Runs a command that does not end by itself until it prints {@code line}, then kills it and what it started. */
  private static String runUntil(List<String> command, String line, int seconds) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (InputStream in = process.getInputStream()) {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          synchronized (output) {
            output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
          }
        }
      } catch (IOException ignored) {
        // ended
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try {
      while (System.nanoTime() < deadline && process.isAlive()) {
        synchronized (output) {
          if (output.toString().contains(line)) {
            break;
          }
        }
        Thread.sleep(100);
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
      reader.join(5_000);
    }
    synchronized (output) {
      return output.toString();
    }
  }

  private record Result(List<String> command, int exitCode, String output) {
    void expectSuccess() {
      assertThat(exitCode).as("exit code of %s; output:%n%s", command, output).isZero();
    }
  }

  private static Result run(List<String> command) throws Exception {
    return run(command, null, 2);
  }

  private static Result run(List<String> command, Path directory, int minutes) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    Process process = builder.start();
    process.getOutputStream().close();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish in " + minutes + " minutes");
    }
    return new Result(command, process.exitValue(), output);
  }

  private static Optional<String> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }

  private static String projectVersion() throws Exception {
    Path pom = Path.of(System.getProperty("kpe.root", "..")).resolve("pom.xml");
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
      if ("version".equals(child.getNodeName())) {
        return child.getTextContent().trim();
      }
    }
    throw new AssertionError("no <version> in " + pom);
  }

  private static Tar.Entry file(String path) {
    return resolve(path).filter(Tar.Entry::isFile).orElseThrow(() -> new AssertionError("/" + path + " is not in the image"));
  }

  /** The entry a path names in the image, following symlinks in every component as the kernel would. */
  private static Optional<Tar.Entry> resolve(String path) {
    return resolve(path, 0);
  }

  private static Optional<Tar.Entry> resolve(String path, int hops) {
    if (hops > 40) {
      return Optional.empty();
    }
    String[] parts = normalise(path).split("/");
    String current = "";
    for (int i = 0; i < parts.length; i++) {
      current = current.isEmpty() ? parts[i] : current + "/" + parts[i];
      Tar.Entry entry = files.get(current);
      if (entry == null) {
        return Optional.empty();
      }
      if (entry.isSymlink()) {
        String link = entry.linkName();
        String base = current.contains("/") ? current.substring(0, current.lastIndexOf('/')) : "";
        Path target = link.startsWith("/") ? Path.of(link) : Path.of("/" + base).resolve(link);
        String rest = String.join("/", List.of(parts).subList(i + 1, parts.length));
        Path next = rest.isEmpty() ? target : target.resolve(rest);
        return resolve(next.normalize().toString(), hops + 1);
      }
    }
    return Optional.ofNullable(files.get(current));
  }

  private static String normalise(String name) {
    String path = name;
    while (path.startsWith("./") || path.startsWith("/")) {
      path = path.startsWith("./") ? path.substring(2) : path.substring(1);
    }
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static Path blob(String digest) {
    assertThat(digest).startsWith("sha256:");
    return layout.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
  }

  private static String sha256(InputStream stream) throws IOException, NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(stream, digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** PT_INTERP of a 64-bit little-endian ELF executable. */
  private static String elfInterpreter(byte[] elf) {
    assertThat(elf.length > 64 && elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F' && elf[4] == 2)
        .as("java is a 64-bit ELF file").isTrue();
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    long programHeaders = b.getLong(0x20);
    int entrySize = Short.toUnsignedInt(b.getShort(0x36));
    int count = Short.toUnsignedInt(b.getShort(0x38));
    for (int i = 0; i < count; i++) {
      int at = (int) (programHeaders + (long) i * entrySize);
      if (b.getInt(at) == 3) {
        int offset = (int) b.getLong(at + 8);
        int size = (int) b.getLong(at + 32);
        return new String(elf, offset, size - 1, StandardCharsets.US_ASCII);
      }
    }
    throw new AssertionError("java has no ELF interpreter");
  }
}
