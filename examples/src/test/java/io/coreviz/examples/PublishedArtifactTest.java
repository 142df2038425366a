package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What the connector's build publishes, as README's "Installing" says: an artifact named after its
 * Spark line and Scala version, jars of that name (plain, -all, sources, javadoc), and a POM with
 * that artifactId resolved, no parent, and the metadata Maven Central requires.
 */
class PublishedArtifactTest {

  private static final Path CONNECTOR = Path.of(System.getProperty("coreviz.connectorDir"));
  private static final String ARTIFACT = System.getProperty("coreviz.artifact");
  private static final String VERSION = System.getProperty("coreviz.version");

  @Test
  void theArtifactIsNamedAfterItsSparkLineAndScalaVersion() {
    String spark = System.getProperty("coreviz.sparkVersion");
    String line = spark.substring(0, spark.indexOf('.', spark.indexOf('.') + 1));
    assertThat(ARTIFACT)
        .matches("coreviz-spark-" + java.util.regex.Pattern.quote(line) + "_2\\.1[23]");
    for (String suffix : List.of("", "-all", "-sources", "-javadoc")) {
      assertThat(CONNECTOR.resolve("target").resolve(ARTIFACT + "-" + VERSION + suffix + ".jar"))
          .as("the %s jar", suffix.isEmpty() ? "plain" : suffix)
          .exists();
    }
  }

  @Test
  void theInstalledPomHasItsNameAndCentralsMetadata() throws Exception {
    Path pom = CONNECTOR.resolve(".flattened-pom.xml");
    assertThat(pom).as("the POM the build installs").exists();
    Document document =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    Element project = document.getDocumentElement();

    assertThat(child(project, "artifactId")).isEqualTo(ARTIFACT);
    assertThat(child(project, "groupId")).isEqualTo("io.coreviz");
    assertThat(child(project, "version")).isEqualTo(VERSION);
    assertThat(project.getElementsByTagName("parent").getLength()).as("no parent").isZero();
    assertThat(child(project, "description")).isNotBlank();
    assertThat(child(project, "url")).startsWith("https://");
    for (String required : List.of("licenses", "developers", "scm")) {
      assertThat(project.getElementsByTagName(required).getLength()).as(required).isOne();
    }
    assertThat(project.getElementsByTagName("license").item(0).getTextContent())
        .contains("Apache License, Version 2.0");
    assertThat(Files.readString(pom)).doesNotContain("${");
  }

  /** The text of {@code parent}'s direct child element {@code name}, or null. */
  private static String child(Element parent, String name) {
    for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element.getTextContent().trim();
      }
    }
    return null;
  }
}
