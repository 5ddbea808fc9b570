namespace Warden.Core.Pipelines.Expressions;

/// <summary>A node of the syntax tree; <see cref="Height"/> is checked against <see cref="ExpressionLimits.MaxDepth"/>.</summary>
internal abstract record ExpressionNode(SourcePosition Position)
{
    public abstract int Height { get; }

    /// <summary>Where the node's text begins (for infix nodes, the left operand's start, not the operator).</summary>
    public virtual SourcePosition Start => Position;
}
