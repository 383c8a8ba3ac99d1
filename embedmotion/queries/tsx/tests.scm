; Jest / Mocha / Jasmine / Vitest tests.  Capture names (read by embedmotion.parsing):
;   @test    an it(...) / test(...) call: a test fragment, named by its description
;   @suite   a describe(...) call: not a fragment, but it qualifies the tests inside
;   @name    the description string (quotes are stripped by the parser)
; Qualified test names join the enclosing describe descriptions and the test's own
; with " > ", e.g. "Calculator > add > adds two numbers".

(call_expression
  function: (identifier) @_fn
  arguments: (arguments . [(string) (template_string)] @name)
  (#any-of? @_fn "it" "test" "fit" "xit" "xtest" "specify")) @test

(call_expression
  function: (member_expression
    object: (identifier) @_fn
    property: (property_identifier) @_mod)
  arguments: (arguments . [(string) (template_string)] @name)
  (#any-of? @_fn "it" "test")
  (#any-of? @_mod "only" "skip" "todo" "concurrent" "failing")) @test

(call_expression
  function: (call_expression
    function: (member_expression
      object: (identifier) @_fn
      property: (property_identifier) @_each))
  arguments: (arguments . [(string) (template_string)] @name)
  (#any-of? @_fn "it" "test")
  (#eq? @_each "each")) @test

(call_expression
  function: (identifier) @_fn
  arguments: (arguments . [(string) (template_string)] @name)
  (#any-of? @_fn "describe" "fdescribe" "xdescribe" "context" "suite")) @suite

(call_expression
  function: (member_expression
    object: (identifier) @_fn
    property: (property_identifier) @_mod)
  arguments: (arguments . [(string) (template_string)] @name)
  (#any-of? @_fn "describe" "context" "suite")
  (#any-of? @_mod "only" "skip")) @suite

(call_expression
  function: (call_expression
    function: (member_expression
      object: (identifier) @_fn
      property: (property_identifier) @_each))
  arguments: (arguments . [(string) (template_string)] @name)
  (#eq? @_fn "describe")
  (#eq? @_each "each")) @suite
