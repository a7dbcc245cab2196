import LLM
import Testing

@Suite struct ChatTemplateTests {
    @Test func smollm2Goldens() throws { try check(.smollm2) }
    @Test(.enabled(if: TestModel.qwen05.isPresent)) func qwen05Goldens() throws { try check(.qwen05) }
    @Test(.enabled(if: TestModel.qwen15.isPresent)) func qwen15Goldens() throws { try check(.qwen15) }

    /// The golden rendered prompts exactly, and their ids.
    private func check(_ model: TestModel) throws {
        let template = try ChatTemplate(gguf: TestModels.open(model))
        let tokenizer = try TestModels.tokenizer(model)
        let golden = try TestModels.golden(model, "generation.json", as: GenerationGolden.self)
        #expect(golden.cases.count == 3)
        for c in golden.cases {
            let rendered = template.render(c.messages)
            #expect(rendered == c.rendered_prompt, "\(model)")
            #expect(tokenizer.encode(rendered) == c.prompt_ids, "\(model)")
        }
    }

    /// Without a system message, each family's own default comes first, read from its template.
    @Test func smollm2DefaultSystemPrompt() throws {
        let template = try ChatTemplate(gguf: TestModels.open(.smollm2))
        #expect(template.defaultSystemPrompt == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        #expect(template.render([.user("Hi")]) == """
            <|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>
            <|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n
            """)
        // SmolLM2 writes the default inside its message loop: nothing for an empty conversation.
        #expect(template.render([], addGenerationPrompt: false) == "")
    }

    @Test(.enabled(if: TestModel.qwen05.isPresent)) func qwenDefaultSystemPrompt() throws {
        let template = try ChatTemplate(gguf: TestModels.open(.qwen05))
        #expect(template.defaultSystemPrompt == "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
        #expect(template.render([.user("Hi"), .assistant("Hello."), .user("Bye")], addGenerationPrompt: false) == """
            <|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>
            <|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n
            """)
        #expect(template.render([]).hasPrefix("<|im_start|>system\nYou are Qwen"))
        // Tool results are grouped into one user turn.
        #expect(template.render([.system("S"), .tool("1"), .tool("2")], addGenerationPrompt: false) == """
            <|im_start|>system\nS<|im_end|>\n<|im_start|>user\n<tool_response>\n1\n</tool_response>\n<tool_response>\n2\n</tool_response><|im_end|>\n
            """)
    }

    @Test func templateTextRecognition() {
        #expect(ChatTemplate(template: "{{ bos_token }}[INST] {{ message }} [/INST]") == nil)
        let noDefault = ChatTemplate(template: """
            {% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}
            """)
        #expect(noDefault != nil)
        #expect(noDefault?.defaultSystemPrompt == nil)
        #expect(noDefault?.render([.user("x")]) == "<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n")
        let escaped = ChatTemplate(template: """
            {%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\
            {%- else %}{{- '<|im_start|>system\\nIt\\'s a \\"test\\".<|im_end|>\\n' }}{%- endif %}{%- for message in messages %}{%- endfor %}
            """)
        #expect(escaped?.defaultSystemPrompt == "It's a \"test\".")
        #expect(escaped?.defaultSystemPromptForEmpty == true)
        #expect(escaped?.render([.system("Mine"), .user("u")], addGenerationPrompt: false)
                == "<|im_start|>system\nMine<|im_end|>\n<|im_start|>user\nu<|im_end|>\n")
    }
}
