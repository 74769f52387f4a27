"""Models and rule engines the stages drive: LAC, jieba, the tagging heads, transformers, name and number rules. Only stages import them."""
