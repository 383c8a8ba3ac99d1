; JUnit tests.  Capture names (read by embedmotion.parsing):
;   @test         a test method (the same node the definitions query captures)
;   @test.scope   a class whose methods named "test..." are tests
;   @name         the method's or class's name
; JUnit 4/5: methods annotated @Test, @ParameterizedTest, @RepeatedTest,
; @TestFactory or @TestTemplate (also fully qualified, e.g. @org.junit.Test).
; JUnit 3: methods starting with "test" of classes extending TestCase.

(method_declaration
  (modifiers
    [(marker_annotation name: (_) @_ann)
     (annotation name: (_) @_ann)])
  name: (identifier) @name
  (#match? @_ann "(^|[.])(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)$")) @test

((class_declaration
   name: (identifier) @name
   superclass: (superclass [(type_identifier) (scoped_type_identifier)] @_base)) @test.scope
 (#match? @_base "(^|[.])TestCase$"))
