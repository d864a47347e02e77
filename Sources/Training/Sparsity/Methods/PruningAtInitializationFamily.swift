extension MethodRegistry {
    /// SNIP, SynFlow, lottery tickets, Taylor and movement scores.
    static var pruningAtInitialization: [MethodDescriptor] { [] }
}
