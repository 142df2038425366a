/** CLIP's byte-level BPE tokenizer, from the model's own vocabulary. */
package io.coreviz.spark.clip.text;
