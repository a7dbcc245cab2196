enum LLMPlaceholder {}
