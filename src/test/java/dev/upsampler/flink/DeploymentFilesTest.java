package dev.upsampler.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * docker/ and the server scripts' poms stay consistent with the build: versions, paths, classes,
 * job files, JVM flags.
 */
class DeploymentFilesTest {

  static String pomProperty(String name) throws IOException {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)<")
        .matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(m.find(), name + " in pom.xml");
    return m.group(1);
  }

  @Test
  void theBrokerRunsTheKafkaVersionOfTheClients() throws Exception {
    String broker = Files.readString(Path.of("jobs/kafka/pom.xml"));
    assertTrue(broker.contains("<kafka.version>" + pomProperty("kafka.version") + "<"),
        "jobs/kafka/pom.xml pins the kafka.version of pom.xml (mixed Kafka versions fail)");
    assertTrue(broker.contains("<log4j.version>" + pomProperty("log4j.version") + "<"));
  }

  @Test
  void dockerfileMatchesTheBuild() throws Exception {
    String docker = Files.readString(Path.of("docker/Dockerfile"));
    assertTrue(docker.contains("FROM flink:" + pomProperty("flink.version") + "-java17"),
        "image tag matches the Flink version");
    String pom = Files.readString(Path.of("pom.xml"));
    assertTrue(docker.contains("COPY target/upsampler-job.jar")
        && pom.contains("<outputFile>${project.build.directory}/upsampler-job.jar</outputFile>"),
        "the job jar the pom builds");
    assertTrue(docker.contains("COPY target/docker-lib/")
        && pom.contains("${project.build.directory}/docker-lib"), "JavaCV's jars the pom copies");
    assertTrue(docker.contains("COPY jobs/") && Files.isDirectory(Path.of("jobs")));
    assertTrue(docker.contains("COPY target/flink/plugins/ /opt/flink/plugins/")
        && Files.readString(Path.of("pom.xml")).contains("/flink/plugins/s3-fs-native"),
        "the S3 file system as a plugin, from the build's own copy");
    Matcher main = Pattern.compile("(dev\\.upsampler\\.[\\w.]+)").matcher(docker);
    while (main.find()) {
      assertNotNull(Class.forName(main.group(1)), main.group(1));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker/compose-session.yml", "docker/compose-application.yml"})
  void composeFilesParseAndReferWhatExists(String file) throws Exception {
    // SnakeYAML (Jackson's YAML reader does not expand compose's &anchors and *aliases).
    Object parsed = new org.yaml.snakeyaml.Yaml().load(Files.readString(Path.of(file)));
    JsonNode doc = new ObjectMapper().valueToTree(parsed);
    JsonNode services = doc.get("services");
    for (String s : new String[] {"jobmanager", "taskmanager"}) {
      JsonNode svc = services.get(s);
      assertNotNull(svc, s + " in " + file);
      String props = svc.get("environment").get("FLINK_PROPERTIES").asText();
      assertTrue(props.contains("env.java.opts." + s + ": --add-modules=jdk.incubator.vector"),
          s + " JVMs get the Vector API (SIMD engine)");
      assertTrue(!props.contains("env.java.opts.all"), "Flink's own opens list stays intact");
      assertEquals(services.get("jobmanager").get("image").asText(), svc.get("image").asText());
    }
    // HA: the quorum is the compose file's own ZooKeeper, the HA storage on the shared volume,
    // and a JobManager that dies comes back to take the jobs over.
    String props = services.get("jobmanager").get("environment").get("FLINK_PROPERTIES").asText();
    assertTrue(props.contains("high-availability.type: zookeeper"), props);
    assertTrue(props.contains("high-availability.zookeeper.quorum: zookeeper:2181"), props);
    assertTrue(props.contains("high-availability.storageDir: file:///data/ha"), props);
    assertNotNull(services.get("zookeeper"), "a ZooKeeper service in " + file);
    assertEquals("on-failure", services.get("jobmanager").path("restart").asText());
    assertTrue(services.get("jobmanager").get("volumes").toString().contains("data:/data"));
    String text = Files.readString(Path.of(file));
    assertTrue(text.contains("127.0.0.1:8081:8081"), "the web UI on loopback only");
    Matcher job = Pattern.compile("/opt/upsampler/(jobs/[\\w.-]+\\.yaml)").matcher(text);
    assertTrue(job.find(), "a job definition is submitted");
    assertTrue(Files.exists(Path.of(job.group(1))), job.group(1));
    Matcher main = Pattern.compile("--job-classname ([\\w.]+)").matcher(text);
    while (main.find()) {
      assertNotNull(Class.forName(main.group(1)));
    }
  }

  @Test
  void kubernetesDeploymentMatchesTheImageAndTheJob() throws Exception {
    JsonNode deployment = null;
    for (Object d : new org.yaml.snakeyaml.Yaml().loadAll(
        Files.readString(Path.of("docker/k8s-flinkdeployment.yaml")))) {
      JsonNode doc = new ObjectMapper().valueToTree(d);
      if ("FlinkDeployment".equals(doc.path("kind").asText())) {
        deployment = doc.get("spec");
      }
    }
    assertNotNull(deployment, "a FlinkDeployment");
    String[] v = pomProperty("flink.version").split("\\.");
    assertEquals("v" + v[0] + "_" + v[1], deployment.get("flinkVersion").asText());
    JsonNode job = deployment.get("job");
    assertEquals("local:///opt/flink/usrlib/upsampler-job.jar", job.get("jarURI").asText(),
        "the jar where docker/Dockerfile puts it");
    assertNotNull(Class.forName(job.get("entryClass").asText()));
    String definition = job.get("args").get(0).asText();
    assertTrue(definition.startsWith("/opt/upsampler/jobs/"), definition);
    assertTrue(Files.exists(Path.of(definition.substring("/opt/upsampler/".length()))));
    String conf = deployment.get("flinkConfiguration").toString();
    assertTrue(conf.contains("\"env.java.opts.taskmanager\":\"--add-modules=jdk.incubator.vector"),
        conf);
    // Kubernetes HA (no ZooKeeper), its storage on the volume, upgrades from the last state.
    assertEquals("kubernetes", deployment.get("flinkConfiguration")
        .get("high-availability.type").asText());
    assertTrue(deployment.get("flinkConfiguration").get("high-availability.storageDir").asText()
        .startsWith("file:///data/"), conf);
    assertEquals("last-state", job.get("upgradeMode").asText());
  }
}
