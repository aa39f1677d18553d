using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Buffers;
using VoiceAgent.Providers.Anthropic;

namespace VoiceAgent.Tests.Providers.Anthropic;

/// <summary>The Messages request body written from chat messages and options (protocols/anthropic-messages-streaming.md §1).</summary>
public sealed class AnthropicRequestWriterTests
{
    [Fact]
    public void Several_system_texts_and_the_instructions_become_text_blocks_in_order()
    {
        using var body = Write([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hi"), new ChatMessage(ChatRole.System, "Speak English.")],
            new ChatOptions { Instructions = "Never read card numbers back." });

        var blocks = body.RootElement.GetProperty("system").EnumerateArray().ToList();
        Assert.All(blocks, b => Assert.Equal("text", b.GetProperty("type").GetString()));
        Assert.Equal(["Be brief.", "Speak English.", "Never read card numbers back."], blocks.Select(b => b.GetProperty("text").GetString()));
        Assert.Single(body.RootElement.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public void Whitespace_only_text_is_left_out_and_assistant_text_is_trimmed_at_the_end()
    {
        using var body = Write([new ChatMessage(ChatRole.User, "Hi"), new ChatMessage(ChatRole.Assistant, "Hello there.  "), new ChatMessage(ChatRole.User, "   ")]);

        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal("Hello there.", messages[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void No_messages_at_all_still_sends_the_one_user_message_the_api_requires()
    {
        using var body = Write([new ChatMessage(ChatRole.System, "Greet the caller.")]);

        var message = Assert.Single(body.RootElement.GetProperty("messages").EnumerateArray().ToList());
        Assert.Equal("user", message.GetProperty("role").GetString());
    }

    [Fact]
    public void A_tool_call_and_its_failed_result_are_sent_as_tool_use_and_an_error_tool_result()
    {
        using var body = Write(
        [
            new ChatMessage(ChatRole.User, "Transfer me"),
            new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "transfer_call", new Dictionary<string, object?> { ["department"] = "billing", ["urgent"] = true })]),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("toolu_1", "not performed: no such department") { Exception = new InvalidOperationException("no such department") }]),
        ]);

        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        var use = messages[1].GetProperty("content")[0];
        Assert.Equal(("tool_use", "toolu_1", "transfer_call"), (use.GetProperty("type").GetString(), use.GetProperty("id").GetString(), use.GetProperty("name").GetString()));
        Assert.Equal("""{"department":"billing","urgent":true}""", use.GetProperty("input").GetRawText());
        var result = messages[2].GetProperty("content")[0];
        Assert.Equal("user", messages[2].GetProperty("role").GetString());
        Assert.Equal(("tool_result", "toolu_1", "not performed: no such department", true),
            (result.GetProperty("type").GetString(), result.GetProperty("tool_use_id").GetString(), result.GetProperty("content").GetString(), result.GetProperty("is_error").GetBoolean()));
    }

    [Fact]
    public void A_required_named_tool_is_sent_as_tool_choice_tool_with_parallel_use_off_when_asked()
    {
        using var body = Write([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions
        {
            Tools = [ToolDeclarations.TransferCall],
            ToolMode = ChatToolMode.RequireSpecific("transfer_call"),
            AllowMultipleToolCalls = false,
        });

        var choice = body.RootElement.GetProperty("tool_choice");
        Assert.Equal(("tool", "transfer_call", true), (choice.GetProperty("type").GetString(), choice.GetProperty("name").GetString(), choice.GetProperty("disable_parallel_tool_use").GetBoolean()));
    }

    [Fact]
    public void Text_outside_ascii_is_written_as_valid_json_and_reads_back_unchanged()
    {
        using var body = Write([new ChatMessage(ChatRole.User, "Grüße, 你好 \"quoted\" \u2028 😀")]);

        Assert.Equal("Grüße, 你好 \"quoted\" \u2028 😀", body.RootElement.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    private static JsonDocument Write(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        using var buffer = new PooledByteBufferWriter(16);
        AnthropicRequestWriter.Write(buffer, messages, options, "claude-haiku-4-5", 300, stream: true);
        return JsonDocument.Parse(buffer.WrittenMemory.ToArray());
    }
}
