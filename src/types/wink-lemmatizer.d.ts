/** The part of wink-lemmatizer's API this project uses; the package ships no types. */
declare module "wink-lemmatizer" {
  const lemmatize: {
    verb(word: string): string;
    noun(word: string): string;
  };
  export default lemmatize;
}
