using System.Globalization;
using System.Text;

namespace VoiceAgent.Providers.ElevenLabs;

/// <summary>Builds <c>{origin}/v1/text-to-speech/{voice_id}/stream-input?{query}</c>.</summary>
internal static class ElevenLabsStreamInputUri
{
    public static Uri Build(ElevenLabsOptions options, string voiceId, string outputFormat, string? languageCode)
    {
        var builder = new StringBuilder(256)
            .Append(options.BaseUrl.GetLeftPart(UriPartial.Authority))
            .Append("/v1/text-to-speech/").Append(Uri.EscapeDataString(voiceId)).Append("/stream-input")
            .Append("?model_id=").Append(Uri.EscapeDataString(options.ModelId))
            .Append("&output_format=").Append(Uri.EscapeDataString(outputFormat));
        if (!string.IsNullOrWhiteSpace(languageCode))
            builder.Append("&language_code=").Append(Uri.EscapeDataString(languageCode));
        builder.Append("&inactivity_timeout=").Append(options.InactivityTimeoutSeconds.ToString(CultureInfo.InvariantCulture))
            .Append("&sync_alignment=").Append(options.SyncAlignment ? "true" : "false");
        return new Uri(builder.ToString());
    }
}
