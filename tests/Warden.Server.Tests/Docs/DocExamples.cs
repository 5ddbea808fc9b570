using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Warden.Tests;

namespace Warden.Server.Tests.Docs;

/// <summary>
/// The request bodies the docs tell users to paste: every <c>curl … -d '{…}'</c> in a bash block of <c>docs/*.md</c> that
/// writes a settings document or creates a key, every <c>PUT /api/…/settings/… {…}</c> line of a worked example, and every
/// JSON block under a <c>### PUT /api/…/settings/…</c> heading.
/// </summary>
public static partial class DocExamples
{
    /// <summary>One example: where it is, the method and path it is sent to, and its JSON body.</summary>
    public sealed record Example(string Source, string Method, string Path, string Body)
    {
        public override string ToString() => $"{Source}: {Method} {Path}";
    }

    /// <summary>The settings and key examples, in file order.</summary>
    public static IReadOnlyList<Example> All { get; } = Load(staticOnly: true);

    /// <summary>Every JSON body of a <c>curl</c> in the docs whose path names no placeholder (feedback, reviews, retraining …), for fuzzing.</summary>
    public static IReadOnlyList<Example> AllBodies { get; } = Load(staticOnly: false);

    private static List<Example> Load(bool staticOnly)
    {
        var examples = new List<Example>();
        foreach (var file in Directory.GetFiles(RepoFiles.Path("docs"), "*.md").Order(StringComparer.Ordinal))
        {
            var name = "docs/" + Path.GetFileName(file);
            var text = File.ReadAllText(file);
            foreach (Match block in BashBlock().Matches(text))
            {
                // Continuation lines joined, so one command is one string.
                var commands = block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal);
                foreach (var command in Curl().Split(commands).Where(c => c.StartsWith("curl", StringComparison.Ordinal)))
                {
                    var body = Body().Match(command);
                    var path = ApiPath().Match(command);
                    if (!body.Success || !path.Success || (staticOnly ? !IsStatic(path.Value) : path.Value.Contains('{', StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    var method = Method().Match(command) is { Success: true } m ? m.Groups[1].Value : "POST";
                    examples.Add(new Example(name, method, path.Value, body.Groups[1].Value));
                }
            }

            if (!staticOnly)
            {
                continue;
            }

            foreach (Match line in InlinePut().Matches(text))
            {
                examples.Add(new Example(name, "PUT", line.Groups[1].Value, line.Groups[2].Value));
            }

            foreach (Match section in HeadedJson().Matches(text))
            {
                examples.Add(new Example(name, "PUT", section.Groups[1].Value, section.Groups[2].Value));
            }
        }

        if (!staticOnly)
        {
            // Placeholders such as "$ID" inside a body are fine for fuzzing; bodies that are not JSON at all are not.
            return examples.Where(e => IsJson(e.Body)).Concat(Load(staticOnly: true)).DistinctBy(e => (e.Path, e.Body)).ToList();
        }

        foreach (var example in examples)
        {
            // A malformed example in the docs is a finding of its own.
            _ = JsonNode.Parse(example.Body) ?? throw new InvalidOperationException($"{example}: body is not JSON");
        }

        return examples;
    }

    private static bool IsJson(string text)
    {
        try
        {
            return JsonNode.Parse(text) is not null;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    // Documents that stand on their own: settings and keys. (Feedback, review decisions and the like name ids that only
    // exist in the walkthrough they belong to.)
    private static bool IsStatic(string path) =>
        path == "/api/keys" || SettingsPath().IsMatch(path);

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"(?=\bcurl\b)")]
    private static partial Regex Curl();

    [GeneratedRegex(@"-d\s+'(\{.*?\})'", RegexOptions.Singleline)]
    private static partial Regex Body();

    [GeneratedRegex(@"-X\s+(PUT|POST|DELETE|PATCH)")]
    private static partial Regex Method();

    [GeneratedRegex(@"/api/[A-Za-z0-9_./{}-]+")]
    private static partial Regex ApiPath();

    [GeneratedRegex(@"^/api/models/[a-z0-9._-]+/settings/[a-z-]+$")]
    private static partial Regex SettingsPath();

    [GeneratedRegex(@"^PUT (/api/models/[a-z0-9._-]+/settings/[a-z-]+) (\{.*\})$", RegexOptions.Multiline)]
    private static partial Regex InlinePut();

    [GeneratedRegex(@"^#+ PUT (/api/models/[a-z0-9._-]+/settings/[a-z-]+)\n+```json\n(.*?)```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex HeadedJson();
}
