package io.coreviz.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's positional arguments (what {@code -D<benchmark>.args} passes), each read by its
 * place with a default where it is absent. A bad one fails before anything starts, with a message
 * that names it, what it got, what is valid and the benchmark's usage, instead of Java's
 * NumberFormatException.
 */
final class BenchmarkArgs {

  private final String usage;
  private final String[] args;

  /**
   * @param usage the arguments in order, as the benchmark's usage line gives them
   */
  BenchmarkArgs(String usage, String... args) {
    this.usage = usage;
    this.args = args.clone();
  }

  /** Whether argument {@code index} is there. */
  boolean has(int index) {
    return index < args.length;
  }

  /** Whether argument {@code index} is {@code word}. */
  boolean is(int index, String word) {
    return has(index) && args[index].equals(word);
  }

  /** Argument {@code index} as given, or {@code fallback} where it is absent. */
  String text(int index, String fallback) {
    return has(index) ? args[index] : fallback;
  }

  /**
   * Argument {@code index} ({@code name}): a whole number of at least {@code min}, or {@code
   * fallback} where it is absent.
   */
  int number(int index, String name, int min, int fallback) {
    return has(index) ? parse(args[index], index, name, min) : fallback;
  }

  /**
   * Argument {@code index} ({@code name}): whole numbers of at least {@code min}, separated by
   * commas, or those of {@code fallback} where it is absent.
   */
  List<Integer> numbers(int index, String name, int min, String fallback) {
    List<Integer> numbers = new ArrayList<>();
    for (String part : text(index, fallback).split(",", -1)) {
      numbers.add(parse(part.trim(), index, name, min));
    }
    return numbers;
  }

  private int parse(String value, int index, String name, int min) {
    int number;
    try {
      number = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(value, index, name, min);
    }
    if (number < min) {
      throw invalid(value, index, name, min);
    }
    return number;
  }

  private IllegalArgumentException invalid(String value, int index, String name, int min) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "argument %d (%s) must be a whole number of at least %d, got \"%s\"; arguments: %s",
            index + 1,
            name,
            min,
            value,
            usage));
  }
}
