; Go tests.  Capture names (read by embedmotion.parsing):
;   @test   the test function (the same node the definitions query captures)
;   @name   its name
; `go test` runs functions named TestXxx (Xxx not starting with a lower-case letter)
; whose only parameter is a *testing.T.

(function_declaration
  name: (identifier) @name
  parameters: (parameter_list
    .
    (parameter_declaration
      type: (pointer_type
        (qualified_type
          package: (package_identifier) @_pkg
          name: (type_identifier) @_type)))
    .)
  (#match? @name "^Test([^a-z]|$)")
  (#eq? @_pkg "testing")
  (#eq? @_type "T")) @test
