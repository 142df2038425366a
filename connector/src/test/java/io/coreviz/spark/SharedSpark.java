package io.coreviz.spark;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one SparkSession of a test class, started before its first test and stopped after its last
 * ({@link SparkTestSession}: {@code local[2]}, no UI, UTC). Mark a static field:
 *
 * <pre>{@code @SharedSpark static SparkSession spark;}</pre>
 *
 * {@link #settings} ({@code key=value}) are set before the session starts, for static settings.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SharedSpark.Extension.class)
public @interface SharedSpark {

  /** Settings known before the session starts, as {@code key=value}. */
  String[] settings() default {};

  /** Starts and stops the session, and sets the marked field. */
  final class Extension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
      Field field = field(context.getRequiredTestClass());
      Map<String, String> settings = new LinkedHashMap<>();
      for (String setting : field.getAnnotation(SharedSpark.class).settings()) {
        String[] keyValue = setting.split("=", 2);
        settings.put(keyValue[0], keyValue[1]);
      }
      field.set(
          null, SparkTestSession.start(context.getRequiredTestClass().getSimpleName(), settings));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IllegalAccessException {
      Field field = field(context.getRequiredTestClass());
      SparkTestSession.stop((SparkSession) field.get(null));
      field.set(null, null);
    }

    private static Field field(Class<?> type) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Field field : c.getDeclaredFields()) {
          if (field.isAnnotationPresent(SharedSpark.class)) {
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != SparkSession.class) {
              throw new IllegalStateException("@SharedSpark marks a static SparkSession: " + field);
            }
            field.setAccessible(true);
            return field;
          }
        }
      }
      throw new IllegalStateException("no @SharedSpark field in " + type);
    }
  }
}
