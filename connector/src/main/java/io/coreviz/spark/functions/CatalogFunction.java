package io.coreviz.spark.functions;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.connector.catalog.functions.BoundFunction;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The catalog's predicates. Each evaluates in Spark (so results are right when not pushed down) and
 * is recognised by the connector's filter pushdown by its canonical name.
 */
public final class CatalogFunction implements UnboundFunction, ScalarFunction<Boolean> {

  private static final long serialVersionUID = 1L;

  /**
   * {@code has_tag(metadata.tags, group, value)}: the item carries {@code value} in {@code group}.
   */
  public static final CatalogFunction HAS_TAG =
      new CatalogFunction(
          "has_tag",
          "has_tag(tags map<string,array<string>>, group string, value string): true when the item"
              + " carries the value in that tag group; pushed down as tagFilters",
          DataTypes.StringType);

  /** {@code has_any_tag(metadata.tags, group, values)}: the item carries one of {@code values}. */
  public static final CatalogFunction HAS_ANY_TAG =
      new CatalogFunction(
          "has_any_tag",
          "has_any_tag(tags map<string,array<string>>, group string, values array<string>): true when"
              + " the item carries one of the values in that tag group; pushed down as tagFilters",
          DataTypes.createArrayType(DataTypes.StringType));

  /** {@code in_folder(path, folderPath)}: the item lies under the folder (at any depth). */
  public static final CatalogFunction IN_FOLDER =
      new CatalogFunction(
          "in_folder",
          "in_folder(path string, folder string): true when the item lies under the folder's ltree"
              + " path, at any depth; pushed down as path",
          null);

  private static final CatalogFunction[] ALL = {HAS_TAG, HAS_ANY_TAG, IN_FOLDER};

  /** Namespace-less canonical names start with this, e.g. {@code coreviz.has_tag}. */
  public static final String PREFIX = "coreviz.";

  private static final DataType TAGS =
      DataTypes.createMapType(
          DataTypes.StringType, DataTypes.createArrayType(DataTypes.StringType));

  private final String sqlName;
  private final String description;
  private final DataType valueType;

  private CatalogFunction(String sqlName, String description, DataType valueType) {
    this.sqlName = sqlName;
    this.description = description;
    this.valueType = valueType;
  }

  /** The function a canonical name belongs to, or null. */
  public static CatalogFunction byCanonicalName(String canonicalName) {
    return Arrays.stream(ALL)
        .filter(f -> f.canonicalName().equals(canonicalName))
        .findFirst()
        .orElse(null);
  }

  public static CatalogFunction byName(String name) {
    return Arrays.stream(ALL).filter(f -> f.sqlName.equals(name)).findFirst().orElse(null);
  }

  /** Every function of the catalog. */
  public static CatalogFunction[] all() {
    return ALL.clone();
  }

  @Override
  public String name() {
    return sqlName;
  }

  @Override
  public String canonicalName() {
    return PREFIX + sqlName;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public DataType[] inputTypes() {
    return this == IN_FOLDER
        ? new DataType[] {DataTypes.StringType, DataTypes.StringType}
        : new DataType[] {TAGS, DataTypes.StringType, valueType};
  }

  @Override
  public DataType resultType() {
    return DataTypes.BooleanType;
  }

  @Override
  public BoundFunction bind(StructType inputType) {
    DataType[] expected = inputTypes();
    boolean matches = inputType.size() == expected.length;
    for (int i = 0; matches && i < expected.length; i++) {
      DataType actual = inputType.fields()[i].dataType();
      // simpleString ignores nullability, which is all that may differ.
      matches =
          actual.simpleString().equals(expected[i].simpleString())
              || actual.equals(DataTypes.NullType);
    }
    if (!matches) {
      throw new UnsupportedOperationException(
          "coreviz."
              + sqlName
              + " takes ("
              + simple(expected)
              + "), got ("
              + simple(inputType)
              + "); usage: "
              + description);
    }
    return this;
  }

  private static String simple(DataType[] types) {
    return String.join(", ", Arrays.stream(types).map(DataType::simpleString).toList());
  }

  private static String simple(StructType type) {
    return String.join(
        ", ", Arrays.stream(type.fields()).map(f -> f.dataType().simpleString()).toList());
  }

  /**
   * Null arguments other than the tags give null; missing tags, a missing group or a null group
   * list give false (the item does not carry the value), as the API's tagFilters has it.
   */
  @Override
  public Boolean produceResult(InternalRow input) {
    if (this == IN_FOLDER) {
      if (input.isNullAt(0) || input.isNullAt(1)) {
        return null;
      }
      String path = input.getUTF8String(0).toString();
      return path.startsWith(input.getUTF8String(1).toString() + ".");
    }
    if (input.isNullAt(1) || input.isNullAt(2)) {
      return null;
    }
    if (input.isNullAt(0)) {
      return false;
    }
    ArrayData group = group(input.getMap(0), input.getUTF8String(1));
    if (group == null) {
      return false;
    }
    if (this == HAS_TAG) {
      return contains(group, input.getUTF8String(2));
    }
    ArrayData wanted = input.getArray(2);
    for (int i = 0; i < wanted.numElements(); i++) {
      if (!wanted.isNullAt(i) && contains(group, wanted.getUTF8String(i))) {
        return true;
      }
    }
    return false;
  }

  private static ArrayData group(MapData tags, UTF8String name) {
    ArrayData keys = tags.keyArray();
    for (int i = 0; i < keys.numElements(); i++) {
      if (keys.getUTF8String(i).equals(name)) {
        return tags.valueArray().isNullAt(i) ? null : tags.valueArray().getArray(i);
      }
    }
    return null;
  }

  private static boolean contains(ArrayData values, UTF8String value) {
    for (int i = 0; i < values.numElements(); i++) {
      if (!values.isNullAt(i) && values.getUTF8String(i).equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** Instances are constants: deserialization returns the constant of the same name. */
  private Object readResolve() {
    return byName(sqlName);
  }
}
